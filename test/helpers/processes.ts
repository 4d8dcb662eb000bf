/**
 * Real processes for the end-to-end tests: the `slipway` CLI and `slipway server` as child
 * processes, and the checks that no replica process outlives its record.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { isProcessAlive } from "../../src/drivers/index.js";
import type { Store } from "../../src/store/index.js";
import { PACKAGE_ROOT } from "../../src/cli/control-plane.js";
import { Api, sleep, waitFor } from "./http.js";

const CLI = join(PACKAGE_ROOT, "src", "cli", "main.ts");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `slipway ARGS…` (the real entry point under tsx) and collects its output. */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: { ...process.env, SLIPWAY_SERVER: "", SLIPWAY_TOKEN: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** `slipway server` running as a child process (so a test can kill -9 it). */
export interface ServerProcess {
  child: ChildProcess;
  api: Api;
  /** kill -9, and wait until the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (then SIGKILL after 10 s), and wait until it is gone. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  dataDir: string;
  db: string;
  port: number;
  env?: Record<string, string>;
  /** The server's stdout/stderr are appended here. */
  logFile: string;
  /** The API token to use (default: the admin token the first start wrote into the data directory). */
  token?: string;
}

/** Starts `slipway server` and resolves once /readyz answers 200 and the admin token is on disk. */
export async function spawnServer(options: ServerOptions): Promise<ServerProcess> {
  const out = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "server", "--data", options.dataDir, "--db", options.db, "--port", String(options.port), "--host", "127.0.0.1", "--no-example"],
    { cwd: PACKAGE_ROOT, env: { ...process.env, SLIPWAY_LEASE_MS: "1500", ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  let exited: string | undefined;
  const gone = new Promise<void>((r) =>
    child.once("exit", (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      r();
    }),
  );
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitFor(
      `the server on ${url} to be ready`,
      async () => {
        if (exited) throw new Error(`server ${exited}; see ${options.logFile}`);
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        return res.status === 200 ? true : undefined;
      },
      60_000,
      100,
    );
    if (exited) throw new Error(`server ${exited}; see ${options.logFile}`);
  } catch (err) {
    child.kill("SIGKILL");
    await gone;
    throw err;
  }
  const token = options.token ?? readFileSync(join(options.dataDir, "admin-token"), "utf8").trim();
  const waitGone = async (signal: NodeJS.Signals, graceMs: number) => {
    if (exited) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
  };
  return {
    child,
    api: new Api(url, token),
    kill9: () => waitGone("SIGKILL", 0),
    stop: () => waitGone("SIGTERM", 10_000),
  };
}

/** Pids of live processes whose command line contains `needle`. */
export function processesWhoseCommandHas(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ");
      if (cmdline.includes(needle) && isProcessAlive(Number(name))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Pids of live processes whose working directory is under `dir` (the apps of replicas run in <data>/work/…). */
export function processesWorkingUnder(dir: string): { pid: number; pgrp: number }[] {
  const out: { pid: number; pgrp: number }[] = [];
  const prefix = resolve(dir) + "/";
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (!(cwd + "/").startsWith(prefix)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") continue;
      out.push({ pid: Number(name), pgrp: Number(fields[2]) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/**
 * The no-orphan invariant: every replica recorded as running is alive (its shim and its app),
 * every other recorded replica is dead (shim and app process group), and no shim or app
 * process of this data directory exists beyond the recorded running ones. Returns the
 * problems found (empty when all is well).
 */
export async function orphanProblems(store: Store, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const rows = await store.db.selectFrom("replicas").selectAll().execute();
  const running = rows.filter((r) => r.state === "running");
  const runningGroups = new Set<number>();
  for (const r of rows) {
    const state = JSON.parse(readFileSafe(join(dataDir, "replicas", r.id, "state.json")) ?? "{}") as { appPgid?: number | null };
    const appAlive = typeof state.appPgid === "number" && groupAlive(state.appPgid);
    const shimAlive = r.pid !== null && isProcessAlive(r.pid);
    if (r.state === "running") {
      if (!shimAlive) problems.push(`replica ${r.id} (${r.version}) is recorded running but its shim ${r.pid} is dead`);
      if (!appAlive) problems.push(`replica ${r.id} (${r.version}) is recorded running but its app group ${state.appPgid} is dead`);
      if (typeof state.appPgid === "number") runningGroups.add(state.appPgid);
    } else {
      if (shimAlive) problems.push(`replica ${r.id} (${r.version}) is recorded ${r.state} but its shim ${r.pid} is alive`);
      if (appAlive) problems.push(`replica ${r.id} (${r.version}) is recorded ${r.state} but its app group ${state.appPgid} is alive`);
    }
  }
  const runningIds = new Set(running.map((r) => r.id));
  const shimNeedle = `${resolve(dataDir)}/replicas/`;
  for (const pid of processesWhoseCommandHas(shimNeedle)) {
    const cmdline = readFileSafe(`/proc/${pid}/cmdline`)?.split("\0").join(" ") ?? "";
    const id = new RegExp(`/replicas/([^/]+)/spec\\.json`).exec(cmdline)?.[1];
    if (!id || !runningIds.has(id)) problems.push(`shim process ${pid} (${cmdline.trim()}) belongs to no replica recorded as running`);
  }
  for (const p of processesWorkingUnder(join(dataDir, "work"))) {
    if (!runningGroups.has(p.pgrp)) problems.push(`app process ${p.pid} (group ${p.pgrp}) runs in the data dir but belongs to no running replica`);
  }
  return problems;
}

/** Waits (bounded) for the orphan check to come out clean; returns the last problems. */
export async function settleOrphans(store: Store, dataDir: string, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems = await orphanProblems(store, dataDir);
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(250);
  }
}

function groupAlive(pgid: number): boolean {
  if (pgid <= 1) return false;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readFileSafe(`/proc/${name}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
  }
  return false;
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Pids of processes whose environment holds `NAME=value` (e.g. a script command's SLIPWAY_DEPLOYMENT_ID). */
export function processesWithEnv(name: string, value: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`${name}=${value}`)) out.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
