import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { OUTPUT_PREFIX } from "../drivers/index.js";
import { listSteps } from "../store/index.js";
import type { EngineContext } from "./context.js";

/**
 * Output variables between a deployment's commands (see drivers/script/outputs.ts): each run
 * writes to its own file; what the deployment's earlier commands left is read back from their
 * stored step results, so it survives a restart and reaches the rollback too.
 */

/** The file a run of a command may leave NAME=value lines in (its SLIPWAY_OUTPUT). */
export async function outputFileFor(ctx: EngineContext, service: string, runId: string): Promise<string> {
  const dir = join(ctx.dataDir, "work", service, "outputs");
  await mkdir(dir, { recursive: true });
  return join(dir, `${runId}.env`);
}

/** The outputs of the deployment's earlier script commands, as SLIPWAY_OUT_NAME variables (a later one wins). */
export async function earlierOutputs(ctx: EngineContext, deploymentId: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const step of await listSteps(ctx.store.db, deploymentId)) {
    if (step.state !== "done" && step.state !== "failed") continue;
    for (const [name, value] of Object.entries(outputsIn(step.result))) env[`${OUTPUT_PREFIX}${name}`] = value;
  }
  return env;
}

/** A step's result holds a script outcome directly (deploy, status), under `script` (verify) or in a failure's details. */
function outputsIn(result: unknown): Record<string, string> {
  const r = result as { outputs?: unknown; script?: { outputs?: unknown } | null; details?: { script?: { outputs?: unknown } } | null } | null;
  const outputs = r?.outputs ?? r?.script?.outputs ?? r?.details?.script?.outputs;
  return outputs !== null && typeof outputs === "object" ? (outputs as Record<string, string>) : {};
}
