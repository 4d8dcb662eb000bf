/**
 * Drivers: how replicas are started, watched and stopped on a target. The public face of
 * src/drivers; everything else imports from here.
 */
import { badInput } from "../core/errors.js";
import { ProcessDriver } from "./process/process-driver.js";
import type { Driver } from "./types.js";

export type { Driver, ReplicaHandle, ReplicaSpec, ReplicaStatus } from "./types.js";
export { ProcessDriver, killReplicaTree, listReplicaIds, isProcessAlive } from "./process/process-driver.js";
export type { ProcessDriverOptions } from "./process/process-driver.js";

/** Names of the drivers this build knows. */
export const DRIVER_NAMES = ["process"] as const;

/** Creates the driver a target names (`environments.*.target.driver`). */
export function createDriver(name: string, options: { dataDir: string }): Driver {
  if (name === "process") return new ProcessDriver(options);
  throw badInput(`unknown driver "${name}"`, { hint: `use one of: ${DRIVER_NAMES.join(", ")}` });
}
