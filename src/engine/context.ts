import type { Logger } from "pino";
import type { Clock } from "../core/index.js";
import type { DriverSet } from "../drivers/index.js";
import type { RouterControl } from "../router/types.js";
import type { Store } from "../store/index.js";

/** Tunables of the engine, all defaults in one place. */
export interface EngineSettings {
  /** How long a claimed deployment stays ours without a heartbeat. */
  leaseMs: number;
  heartbeatMs: number;
  /** How often the executor looks for runnable work. */
  pollMs: number;
  /** At most this many deployments claimed per poll. */
  claimBatch: number;
  /** How long draining a version may take before its replicas are stopped anyway. */
  drainTimeoutMs: number;
  /** How often replicas nobody needs any more are looked for and stopped. */
  sweepIntervalMs: number;
  /** A deployment waiting only for a person is looked at again at most this often. */
  approvalRecheckMs: number;
  /** A traffic shift held by a closed window or a freeze looks again at least this often. */
  holdRecheckMs: number;
  /** How often a pause checks whether the deployment was cancelled. */
  cancelCheckMs: number;
  /**
   * Analysis stores every round's decisions; the audit log (and the live stream) gets a round
   * when a verdict changed, the analysis ends, or at least this long after the last one.
   */
  analysisRecordMs: number;
  /** Timeout of one probe (verification probes; readiness probes are capped by it too). */
  probeTimeoutMs: number;
  /** Host the router and replicas listen on. */
  host: string;
}

export const DEFAULT_ENGINE_SETTINGS = {
  leaseMs: 5_000,
  heartbeatMs: 1_000,
  pollMs: 200,
  claimBatch: 20,
  drainTimeoutMs: 10_000,
  sweepIntervalMs: 15_000,
  approvalRecheckMs: 30_000,
  holdRecheckMs: 5_000,
  cancelCheckMs: 500,
  probeTimeoutMs: 5_000,
  analysisRecordMs: 10_000,
  host: "127.0.0.1",
} satisfies EngineSettings;

/** Everything the engine needs, passed down explicitly (no globals). */
export interface EngineContext {
  store: Store;
  /** The drivers by name; an environment's `target.driver` picks one (see targets.ts). */
  drivers: DriverSet;
  /** The built-in traffic router. */
  router: RouterControl;
  clock: Clock;
  log: Logger;
  /** Data directory: artifacts, unpacked work dirs, replica logs. */
  dataDir: string;
  /** This control-plane instance: the lease owner. */
  instanceId: string;
  /** This instance's node (host and data directory): instances of one node share local replicas and the router. */
  node: string;
  /** Where `env:` secret references are resolved from. */
  secretSource: Record<string, string | undefined>;
  settings: EngineSettings;
  /** This instance's running totals since it started (GET /metrics). */
  counters: EngineCounters;
}

export interface EngineCounters {
  /** Deployment leases extended by the heartbeat. */
  leaseRenewals: number;
  /** Leases found taken over at a heartbeat (this instance stopped working on them). */
  leasesLost: number;
}
