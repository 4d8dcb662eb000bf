import { readdirSync, readFileSync } from "node:fs";

/**
 * Process and process-group helpers. Liveness treats zombies as dead: a replica's shim is
 * re-parented to pid 1 when the control plane dies, and not every pid 1 reaps its children.
 */

interface ProcStat {
  state: string;
  pgrp: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may itself contain spaces or ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** True when a process with this pid exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errnoOf(err) === "EPERM";
  }
  return readStat(pid)?.state !== "Z";
}

/** True when some live (non-zombie) process is still in the process group. */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return errnoOf(err) === "EPERM";
  }
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return true; // no /proc (macOS): kill(0) is all we know
  }
  return entries.some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = readStat(Number(name));
    return stat !== null && stat.pgrp === pgid && stat.state !== "Z";
  });
}

/** Sends a signal to a process; false when it was already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to every process of a group; false when the group was already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // pgid 0 or 1 would mean "our own group" or "everything": never.
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a process (arguments joined by spaces), or null when unknown. */
export function commandLineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return null;
  }
}

/** Polls `check` until it is true or `timeoutMs` passed; resolves with the last answer. */
export async function waitFor(check: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
