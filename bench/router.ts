/**
 * `npm run bench:router [-- --seconds N] [--profile DIR] [--docs]`: the router against the app
 * direct and against HAProxy (Debian's package) doing the same 90/10 split, measured in one
 * run on loopback with wrk: req/s at saturation on one core each, added latency p50 / p99 /
 * p99.9 at 1,000 and 5,000 req/s, and requests lost while the route changes under 5,000 req/s.
 * `--profile DIR` runs the router under `node --cpu-prof` and lists its hot spots.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../src/cli/control-plane.js";
import { findFreePort } from "../src/net/index.js";
import { machine } from "./core/report.js";
import { routeChangesUnderLoad } from "./router/changes.js";
import { hotspots } from "./router/profile.js";
import { cpuSeconds, requireTool, startApps, startHaproxy, startRouterDaemon, type Running } from "./router/processes.js";
import { routerReport, writeRouterDocs, type RouterFigures } from "./router/report.js";
import { paced, saturate, writeScripts, type WrkResult } from "./router/wrk.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    profile: { type: "string" },
    docs: { type: "boolean", default: false },
  },
  strict: true,
});
const seconds = Number(values.seconds);
const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

requireTool("haproxy", "haproxy");
requireTool("wrk", "wrk");
requireTool("taskset", "util-linux");
const dir = await mkdtemp(join(tmpdir(), "slipway-bench-router-"));
const running: Running[] = [];
try {
  console.log(`slipway router benchmark on ${machine()}; proxy under test on core 0, apps and wrk on core 1`);
  const apps: [number, number] = [await findFreePort("127.0.0.1"), await findFreePort("127.0.0.1")];
  const routerPort = await findFreePort("127.0.0.1");
  const haproxyPort = await findFreePort("127.0.0.1");
  running.push(await startApps(dir, apps));
  const router = await startRouterDaemon(dir, routerPort, apps, values.profile);
  running.push(router);
  const haproxy = await startHaproxy(dir, haproxyPort, apps);
  running.push(haproxy);
  const pids = { direct: undefined, router: router.child.pid, haproxy: haproxy.child.pid } as const;
  const scripts = await writeScripts(dir);
  const targets = { direct: `http://127.0.0.1:${apps[0]}/`, router: `http://127.0.0.1:${routerPort}/`, haproxy: `http://127.0.0.1:${haproxyPort}/` };

  step("warm-up");
  for (const url of Object.values(targets)) await saturate(scripts.saturate, url, 2);

  step(`saturation: ${values.rounds} alternating rounds of ${seconds} s each`);
  const throughput: Record<keyof typeof targets, WrkResult[]> = { direct: [], router: [], haproxy: [] };
  const cpuPerRequest: Record<"router" | "haproxy", number[]> = { router: [], haproxy: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const name of ["direct", "router", "haproxy"] as const) {
      const pid = pids[name];
      const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
      const result = await saturate(scripts.saturate, targets[name], seconds);
      throughput[name].push(result);
      let cpu = "";
      if (pid !== undefined && name !== "direct") {
        const us = ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests;
        cpuPerRequest[name].push(us);
        cpu = `, ${us.toFixed(1)} µs CPU per request`;
      }
      console.log(`  ${name}: ${Math.round(result.rate)} req/s (errors ${result.socketErrors + result.badStatus})${cpu}`);
    }
  }

  const latency: RouterFigures["latency"] = [];
  for (const rate of [1_000, 5_000]) {
    step(`latency at ${rate} req/s`);
    const row = { rate, direct: await paced(scripts.paced, targets.direct, seconds, rate), router: await paced(scripts.paced, targets.router, seconds, rate), haproxy: await paced(scripts.paced, targets.haproxy, seconds, rate) };
    for (const name of ["direct", "router", "haproxy"] as const) {
      const x = row[name];
      console.log(`  ${name}: ${Math.round(x.rate)} req/s, p50 ${x.p50.toFixed(3)} p99 ${x.p99.toFixed(3)} p99.9 ${x.p999.toFixed(3)} ms, errors ${x.socketErrors + x.badStatus}`);
    }
    latency.push(row);
  }

  step("route changes under 5,000 req/s");
  const changes = await routeChangesUnderLoad(router.client, scripts.paced, targets.router, routerPort, apps, seconds);
  console.log(`  ${changes.changes} route changes; ${changes.load.requests} requests, ${changes.load.socketErrors} socket errors, ${changes.load.badStatus} non-2xx`);

  const figures: RouterFigures = { throughput, cpuPerRequest, latency, changes };
  const report = routerReport(figures);
  console.log(`\n${report}\n`);

  let profile: string | undefined;
  if (values.profile) {
    await router.stop();
    running.splice(running.indexOf(router), 1);
    const hot = await hotspots(values.profile);
    profile = [`profile ${hot.file} (idle ${(hot.idle * 100).toFixed(0)}%), self time of busy samples:`, ...hot.spots.map((s) => `  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.where}`)].join("\n");
    console.log(profile);
  }
  if (values.docs) {
    await writeRouterDocs(join(PACKAGE_ROOT, "docs", "benchmarks.md"), report, profile);
    console.log("wrote docs/benchmarks.md (Router section)");
  }
} catch (err) {
  console.error("benchmark failed:", err);
  process.exitCode = 1;
} finally {
  for (const r of running.reverse()) await r.stop().catch((err: unknown) => console.error("stopping:", err));
  await rm(dir, { recursive: true, force: true });
}
