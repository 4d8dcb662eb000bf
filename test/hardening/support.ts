/** What the hardening tests share: a server in a child process, watched from outside. */
import { join } from "node:path";
import { findFreePort } from "../../src/net/index.js";
import { stopEverything, tempDir } from "../helpers/fixture.js";
import { spawnServer, type ServerProcess } from "../helpers/processes.js";
import { rm } from "node:fs/promises";

export interface ChildServer {
  server: ServerProcess;
  dataDir: string;
  workDir: string;
  cleanup(): Promise<void>;
}

/** `slipway server` as a child process on SQLite (so this process can watch it from outside). */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = await tempDir("harden-data");
  const workDir = await tempDir("harden-work");
  const port = await findFreePort();
  const server = await spawnServer({ dataDir, db: `sqlite:${join(dataDir, "slipway.db")}`, port, logFile: join(workDir, "server.log"), env });
  return {
    server,
    dataDir,
    workDir,
    cleanup: async () => {
      await server.stop();
      await stopEverything(dataDir);
      await rm(dataDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export interface HealthWatch {
  /** Polls that got no 200 within the bound, with what happened. */
  late: string[];
  polls: number;
  /** The slowest answer seen, in ms (for the diagnostic line; not asserted on). */
  slowestMs: number;
  stop(): Promise<void>;
}

/**
 * Polls GET /healthz every `everyMs`, each with `boundMs` to answer: a liveness check (did
 * the server answer at all while something else ran), not a latency measurement. The bound is
 * generous (3 s) because the machine running the tests may be shared and loaded; a frozen
 * event loop misses it by tens of seconds.
 */
export function watchHealth(url: string, boundMs = 3000, everyMs = 100): HealthWatch {
  const watch: HealthWatch = { late: [], polls: 0, slowestMs: 0, stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    while (running) {
      watch.polls++;
      const started = Date.now();
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(boundMs) });
        await res.arrayBuffer();
        watch.slowestMs = Math.max(watch.slowestMs, Date.now() - started);
        if (res.status !== 200) watch.late.push(`answered ${res.status} at +${started}`);
      } catch (err) {
        watch.late.push(`no answer within ${boundMs} ms (${(err as Error).name}) at ${new Date(started).toISOString()}`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  watch.stop = async () => {
    running = false;
    await loop;
  };
  return watch;
}

/** The resident memory of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}
