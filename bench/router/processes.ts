/**
 * The processes `npm run bench:router` measures, each pinned to a core with taskset so "one
 * core each" means what it says: the proxy under test on core 0; the backends and the load
 * generator on core 1. All listen on 127.0.0.1 and are killed when the bench ends.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PACKAGE_ROOT } from "../../src/cli/control-plane.js";
import { RouterClient, type UpstreamKind } from "../../src/router/index.js";

export const PROXY_CORE = "0";
export const SIDE_CORE = "1";

/** Fails with the apt command when a tool the bench needs is missing. */
export function requireTool(name: string, pkg: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`${name} is not installed: apt-get update && apt-get install -y ${pkg}`);
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Running {
  child: ChildProcess;
  stop(): Promise<void>;
}

function run(command: string, args: string[], core: string, logPath: string): Running {
  const child = spawn("taskset", ["-c", core, command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  child.stdout?.on("data", (c: Buffer) => chunks.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => chunks.push(c.toString()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await writeFile(logPath, chunks.join(""));
    },
  };
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => (r.body?.cancel(), true), () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const HAPROXY_DEFAULTS = `defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
`;

/**
 * "The app": two static responders (v1, v2) in one HAProxy process answering from memory, the
 * fastest backend there is, so the proxies, not the app, are what saturates.
 */
export async function startApps(dir: string, ports: [number, number]): Promise<Running> {
  const config = `global
  nbthread 1
  maxconn 8000
${HAPROXY_DEFAULTS}
frontend v1
  bind 127.0.0.1:${ports[0]}
  http-request return status 200 content-type text/plain string "hello from v1"
frontend v2
  bind 127.0.0.1:${ports[1]}
  http-request return status 200 content-type text/plain string "hello from v2"
`;
  const path = join(dir, "apps.cfg");
  await writeFile(path, config);
  const apps = run("haproxy", ["-f", path, "-db"], SIDE_CORE, join(dir, "apps.log"));
  await waitForPort(ports[0]);
  await waitForPort(ports[1]);
  return apps;
}

/**
 * HAProxy doing what the router does: a 90/10 weighted random split over the two versions,
 * keep-alive on both sides (reused server connections), X-Forwarded-* headers added and a
 * version header on the answer.
 */
export async function startHaproxy(dir: string, port: number, apps: [number, number]): Promise<Running> {
  const config = `global
  nbthread 1
  maxconn 8000
${HAPROXY_DEFAULTS}
frontend fe
  bind 127.0.0.1:${port}
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  default_backend versions
backend versions
  balance random
  http-reuse always
  http-response set-header x-slipway-version %[srv_name]
  server v1 127.0.0.1:${apps[0]} weight 90
  server v2 127.0.0.1:${apps[1]} weight 10
`;
  const path = join(dir, "haproxy.cfg");
  await writeFile(path, config);
  const proxy = run("haproxy", ["-f", path, "-db"], PROXY_CORE, join(dir, "haproxy.log"));
  await waitForPort(port);
  return proxy;
}

/** Slipway's router daemon (compiled, as `slipway server` starts it), with a 90/10 route; its files in `dir`. */
export async function startRouterDaemon(dir: string, port: number, apps: [number, number], upstream: UpstreamKind, profileDir?: string): Promise<Running & { client: RouterClient }> {
  const main = join(PACKAGE_ROOT, "dist", "router", "main.js");
  await mkdir(dir, { recursive: true });
  const socket = join(dir, "router.sock");
  const args = [
    ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    main,
    "--socket",
    socket,
    "--state",
    join(dir, "router-state.json"),
    "--stats",
    join(dir, "router-stats.json"),
    "--upstream",
    upstream,
  ];
  const router = run(process.execPath, args, PROXY_CORE, join(dir, "router.log"));
  const client = new RouterClient(socket);
  const deadline = Date.now() + 15_000;
  while (!(await client.health().then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error("the router daemon did not answer within 15 s");
    await sleep(50);
  }
  await client.setRoute(splitRoute(port, apps, 90));
  await waitForPort(port);
  return { ...router, client };
}

/** The bench's route: v1 at `weight` %, v2 at the rest. */
export function splitRoute(port: number, apps: [number, number], weight: number) {
  return {
    key: "bench/router",
    port,
    backends: [
      { version: "v1", weight, targets: [`127.0.0.1:${apps[0]}`] },
      { version: "v2", weight: 100 - weight, targets: [`127.0.0.1:${apps[1]}`] },
    ],
  };
}
