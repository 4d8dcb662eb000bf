import type { Logger } from "pino";
import type { Clock } from "../core/index.js";
import type { Driver } from "../drivers/types.js";
import type { RouterControl } from "../router/types.js";
import type { Store } from "../store/index.js";
import type { EngineEvents } from "./events.js";

/** Tunables of the engine, all defaults in one place. */
export interface EngineSettings {
  /** How long a claimed deployment stays ours without a heartbeat. */
  leaseMs: number;
  heartbeatMs: number;
  /** How often the executor looks for runnable work. */
  pollMs: number;
  /** How long draining a version may take before its replicas are stopped anyway. */
  drainTimeoutMs: number;
  /** Host the router and replicas listen on. */
  host: string;
}

export const DEFAULT_ENGINE_SETTINGS = {
  leaseMs: 5_000,
  heartbeatMs: 1_000,
  pollMs: 200,
  drainTimeoutMs: 10_000,
  host: "127.0.0.1",
} satisfies EngineSettings;

/** Everything the engine needs, passed down explicitly (no globals). */
export interface EngineContext {
  store: Store;
  driver: Driver;
  router: RouterControl;
  clock: Clock;
  log: Logger;
  events: EngineEvents;
  /** Data directory: artifacts, unpacked work dirs, replica logs. */
  dataDir: string;
  /** This control-plane instance: the lease owner. */
  instanceId: string;
  /** Where `env:` secret references are resolved from. */
  secretSource: Record<string, string | undefined>;
  settings: EngineSettings;
}
