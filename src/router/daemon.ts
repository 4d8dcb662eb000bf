/** Starting and stopping the detached router daemon that lives in a data directory. */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { childExecArgv } from "../core/exec-argv.js";
import { badInput, failed, unavailable } from "../core/index.js";
import { RouterClient } from "./client.js";

/** Where a data directory keeps the daemon's files. */
export function routerPaths(dataDir: string): { socket: string; state: string; stats: string; log: string; pid: string } {
  const dir = resolve(dataDir);
  return {
    socket: join(dir, "router.sock"),
    state: join(dir, "router-state.json"),
    stats: join(dir, "router-stats.json"),
    log: join(dir, "router.log"),
    pid: join(dir, "router.pid"),
  };
}

/** Options of `ensureRouterDaemon`. */
export interface EnsureRouterOptions {
  dataDir: string;
  /** Interface route listeners bind to; default 127.0.0.1. Only used when a daemon is started. */
  host?: string;
  /** How long to wait for a started daemon to answer; default 30 s (a loaded machine under tsx needs several). */
  readyTimeoutMs?: number;
}

/** Unix socket paths are limited to ~107 bytes (sun_path); say so instead of failing obscurely. */
const MAX_SOCKET_PATH = 100;
const READY_TIMEOUT_MS = 30_000;

async function tail(path: string, lines = 20): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

async function answers(client: RouterClient): Promise<boolean> {
  return client.health().then(() => true, () => false);
}

/**
 * Returns a client for the data directory's router daemon, starting the daemon (detached, so it
 * outlives this process) if its socket does not answer. Resolves once the daemon is healthy,
 * which means restored routes already serve.
 */
export async function ensureRouterDaemon(options: EnsureRouterOptions): Promise<RouterClient> {
  const paths = routerPaths(options.dataDir);
  if (paths.socket.length > MAX_SOCKET_PATH) {
    throw badInput(`router socket path is too long for a unix socket: ${paths.socket}`, { hint: "use a shorter data directory path" });
  }
  const client = new RouterClient(paths.socket);
  if (await answers(client)) return client;

  await mkdir(resolve(options.dataDir), { recursive: true });
  // Runs main.ts under tsx (execArgv carries the loader) and main.js from dist/ alike.
  const self = fileURLToPath(import.meta.url);
  const main = fileURLToPath(new URL(`./main${extname(self)}`, import.meta.url));
  const args = ["--socket", paths.socket, "--state", paths.state, "--stats", paths.stats, ...(options.host ? ["--host", options.host] : [])];
  const log = openSync(paths.log, "a", 0o600);
  let exited: string | undefined;
  try {
    const child = spawn(process.execPath, [...childExecArgv(main), main, ...args], { detached: true, stdio: ["ignore", log, log] });
    child.once("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
    child.once("error", (err) => (exited = `could not start: ${err.message}`));
    child.unref();
    if (child.pid === undefined) throw failed(`cannot start the router daemon: ${process.execPath} did not spawn`);
    await writeFile(paths.pid, `${child.pid}\n`);
  } finally {
    closeSync(log);
  }

  const deadline = Date.now() + (options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  for (;;) {
    if (await answers(client)) return client;
    // Another process may have started a daemon at the same moment: its answer is as good.
    if (exited !== undefined && !(await answers(client))) {
      throw failed(`router daemon ${exited} before answering on ${paths.socket}`, { hint: `its log (${paths.log}) ends with:\n${await tail(paths.log)}` });
    }
    if (Date.now() > deadline) {
      throw unavailable(`router daemon did not answer on ${paths.socket} within ${options.readyTimeoutMs ?? READY_TIMEOUT_MS} ms`, { hint: `see ${paths.log}` });
    }
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid file alone is trusted only if that process still looks like a router daemon (pid reuse). */
async function pidFromFile(pidPath: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidPath, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (cmdline !== undefined && !/router[\\/]main\.[jt]s/.test(cmdline)) return undefined;
  return pid;
}

/**
 * Stops the data directory's router daemon: SIGTERM (it finishes requests in flight), then
 * SIGKILL if it is still there after `timeoutMs`. Returns false if no daemon was running.
 */
export async function stopRouterDaemon(dataDir: string, timeoutMs = 15_000): Promise<boolean> {
  const paths = routerPaths(dataDir);
  const health = await new RouterClient(paths.socket, { timeoutMs: 2000 }).health().catch(() => undefined);
  const pid = health?.pid ?? (await pidFromFile(paths.pid));
  if (pid === undefined) return false;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) process.kill(pid, "SIGKILL");
  while (alive(pid) && Date.now() < deadline + 5000) await sleep(20);
  await rm(paths.pid, { force: true });
  return true;
}
