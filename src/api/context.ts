import type { Logger } from "pino";
import type { Clock } from "../core/index.js";
import type { Engine } from "../engine/index.js";
import type { RouterControl } from "../router/types.js";
import type { Store } from "../store/index.js";
import type { RuleSpec } from "../triage/index.js";

/** What route handlers may use. */
export interface ApiContext {
  engine: Engine;
  store: Store;
  router: RouterControl;
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Server-wide extra triage rules (`slipway server --triage-rules FILE`). */
  triageRules?: readonly RuleSpec[];
}
