import type { Logger } from "pino";
import type { AuditFeed } from "../audit/index.js";
import type { Clock } from "../core/index.js";
import type { Engine } from "../engine/index.js";
import type { RouterControl } from "../router/types.js";
import type { Store } from "../store/index.js";
import type { ApiLimits } from "./limits.js";
import type { RuleSpec } from "../triage/index.js";

/** What the API is built from. */
export interface ApiOptions {
  engine: Engine;
  store: Store;
  router: RouterControl;
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Server-wide extra triage rules (`slipway server --triage-rules FILE`). */
  triageRules?: readonly RuleSpec[];
  /** GET /metrics answers without a token (default: a viewer token is needed). */
  metricsPublic?: boolean;
  /** What one request may cost (body sizes, archives, rate per token); default: DEFAULT_API_LIMITS. */
  limits?: Partial<ApiLimits>;
  /** The built web dashboard (dist/web); absent or missing on disk: the API only. */
  webDir?: string;
}

/** What route handlers may use: the options (limits completed), and the live audit feed the API follows. */
export interface ApiContext extends ApiOptions {
  feed: AuditFeed;
  limits: ApiLimits;
}
