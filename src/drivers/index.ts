/**
 * Drivers: how replicas are started, watched and stopped on a target. The public face of
 * src/drivers; everything else imports from here.
 */
import { badInput } from "../core/errors.js";
import { ProcessDriver } from "./process/process-driver.js";
import { SshDriver } from "./ssh/ssh-driver.js";
import type { Driver, DriverName, DriverSet } from "./types.js";

export type { Driver, DriverName, DriverSet, Launch, Placement, PlacementRequest, ReplicaHandle, ReplicaSpec, ReplicaStatus } from "./types.js";
export { ProcessDriver, killReplicaTree, listReplicaIds, isProcessAlive } from "./process/process-driver.js";
export type { ProcessDriverOptions } from "./process/process-driver.js";
export { detectSandbox, noSandboxReason, type SandboxKind } from "./process/isolation.js";
export { defaultUserName, parseRunUsers } from "./process/run-user.js";
export { SshDriver } from "./ssh/ssh-driver.js";
export { offeredFingerprints } from "./ssh/host-keys.js";


/** Options every driver may need. */
export interface DriverSetOptions {
  /** Slipway's data directory (replica state, logs). */
  dataDir: string;
  /** The address local replicas listen on. */
  host: string;
  /** The operator's allow-list of `run.user` by service (process driver, control plane as root). */
  runUsers?: Readonly<Record<string, readonly string[]>>;
  /** Directories replicas must not see besides the data directory (e.g. where `file:` secrets live). */
  hidden?: readonly string[];
}

/** How each driver is made; a new driver is one more entry here. */
const FACTORIES: Record<DriverName, (options: DriverSetOptions) => Driver> = {
  process: (options) => new ProcessDriver(options),
  ssh: (options) => new SshDriver({ dataDir: options.dataDir }),
};

/** Names of the drivers this build knows. */
export const DRIVER_NAMES = Object.keys(FACTORIES) as DriverName[];

/** The control plane's drivers: each is created the first time a target names it. */
export function createDriverSet(options: DriverSetOptions): DriverSet {
  const created = new Map<DriverName, Driver>();
  return {
    get(name: string): Driver {
      if (!isDriverName(name)) throw badInput(`unknown driver "${name}"`, { hint: `set target.driver to one of: ${DRIVER_NAMES.join(", ")}` });
      let driver = created.get(name);
      if (!driver) {
        driver = FACTORIES[name](options);
        created.set(name, driver);
      }
      return driver;
    },
    async close(): Promise<void> {
      for (const driver of created.values()) await driver.close?.();
    },
  };
}

const isDriverName = (name: string): name is DriverName => (DRIVER_NAMES as readonly string[]).includes(name);

// The script driver has no replicas (so no Driver): the engine runs its commands as steps.
export { runScriptCommand, stopLeftover, EXIT_RETRY, OUTPUT_PREFIX, RUN_ID_VAR } from "./script/index.js";
export type { ScriptAttempt, ScriptCommandName, ScriptCommandSpec, ScriptHooks, ScriptOutcome } from "./script/index.js";
