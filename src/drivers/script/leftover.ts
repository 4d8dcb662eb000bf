import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { killGroup, KILL_GRACE_MS } from "../../exec/index.js";

/**
 * A command left running by a control plane that died mid-step. Before the step runs again,
 * the leftover is stopped so two runs of one command never overlap. Its processes are found by
 * the run's own id in their environment (`SLIPWAY_RUN_ID`, read from /proc), not by a noted pid:
 * a pid could have been reused by then, and the id is noted before the command starts, so a
 * crash between the spawn and the noting of a pid still leaves a command that can be found.
 */

/** The variable that names one run of a command, so its process can be recognised later. */
export const RUN_ID_VAR = "SLIPWAY_RUN_ID";

/** Stops the process groups of every process still carrying `runId`; true if there was one. */
export async function stopLeftover(runId: string): Promise<boolean> {
  const groups = await groupsCarrying(runId);
  if (groups.length === 0) return false;
  for (const group of groups) killGroup(group, "SIGTERM");
  for (let waited = 0; waited < KILL_GRACE_MS; waited += 100) {
    if ((await groupsCarrying(runId)).length === 0) return true;
    await sleep(100);
  }
  for (const group of await groupsCarrying(runId)) killGroup(group, "SIGKILL");
  return true;
}

/** The process groups holding a process whose environment carries `runId`, never this process's own group. */
async function groupsCarrying(runId: string): Promise<number[]> {
  const own = await groupOf("self");
  const groups = new Set<number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || !(await carriesRunId(entry, runId))) continue;
    const group = await groupOf(entry);
    if (group !== undefined && group > 1 && group !== own) groups.add(group);
  }
  return [...groups];
}

async function carriesRunId(pid: string, runId: string): Promise<boolean> {
  try {
    const environ = await readFile(`/proc/${pid}/environ`, "utf8");
    return environ.split("\0").includes(`${RUN_ID_VAR}=${runId}`);
  } catch {
    return false; // gone, or not ours to read
  }
}

/** A process's group id: the fifth field of /proc/PID/stat, counted after the command name's closing parenthesis. */
async function groupOf(pid: string): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isInteger(group) ? group : undefined;
  } catch {
    return undefined;
  }
}
