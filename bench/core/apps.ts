/** Builds of the example app (examples/hello/app with its own build.json) and running them by hand. */
import { spawn, type ChildProcess } from "node:child_process";
import { cp, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PACKAGE_ROOT } from "../../src/cli/control-plane.js";

export interface Build {
  version: string;
  failRate: number;
  dir: string;
}

/** Copies the example app to `<root>/builds/<version>` with a build.json saying how it behaves. */
export async function makeBuild(root: string, version: string, failRate = 0): Promise<Build> {
  const dir = join(root, "builds", version);
  await cp(join(PACKAGE_ROOT, "examples", "hello", "app"), dir, { recursive: true });
  await writeFile(join(dir, "build.json"), `${JSON.stringify({ version, failRate })}\n`);
  return { version, failRate, dir };
}

/** One GET; true on a 200. */
export function healthy(port: number, path = "/healthz", timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Probes right away, then every `intervalMs`, as the engine's readiness wait does (waitUntil). */
export async function waitHealthy(port: number, intervalMs: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await healthy(port)) return;
    if (Date.now() > deadline) throw new Error(`app on port ${port} not ready after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** A hand-started app process: `node server.js` in the build with PORT set, as a person would run it. */
export function spawnApp(build: Build, port: number): ChildProcess {
  return spawn(process.execPath, ["server.js"], {
    cwd: build.dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PORT: String(port), SLIPWAY_VERSION: build.version },
    stdio: "ignore",
  });
}

/** SIGTERM (the app drains and exits), then SIGKILL after `graceMs`; resolves when it exited. */
export async function stopApp(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
