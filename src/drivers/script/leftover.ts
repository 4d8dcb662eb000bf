import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { killGroup, KILL_GRACE_MS } from "../../exec/index.js";

/**
 * A command left running by a control plane that died mid-step. Before the step runs again,
 * the leftover is stopped so two runs of one command never overlap. A pid alone could have
 * been reused by then, so the process must also carry the run's own id in its environment
 * (`SLIPWAY_RUN_ID`, read from /proc).
 */

/** The variable that names one run of a command, so its process can be recognised later. */
export const RUN_ID_VAR = "SLIPWAY_RUN_ID";

/** Stops the leftover's process group if it is still running; true if there was one. */
export async function stopLeftover(pid: number, runId: string): Promise<boolean> {
  if (!(await carriesRunId(pid, runId))) return false;
  killGroup(pid, "SIGTERM");
  for (let waited = 0; waited < KILL_GRACE_MS; waited += 100) {
    if (!(await carriesRunId(pid, runId))) return true;
    await sleep(100);
  }
  killGroup(pid, "SIGKILL");
  return true;
}

async function carriesRunId(pid: number, runId: string): Promise<boolean> {
  try {
    const environ = await readFile(`/proc/${pid}/environ`, "utf8");
    return environ.split("\0").includes(`${RUN_ID_VAR}=${runId}`);
  } catch {
    return false; // gone, or not ours to read
  }
}
