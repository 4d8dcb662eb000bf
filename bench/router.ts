/**
 * `npm run bench:router [-- --seconds N] [--upstream undici,node] [--profile DIR] [--docs]`: the
 * router against the app direct and against HAProxy (Debian's package) doing the same 90/10
 * split, measured in one run on loopback with wrk: req/s at saturation on one core each, added
 * latency p50 / p99 / p99.9 at 1,000 and 5,000 req/s, and requests lost while the route changes
 * under 5,000 req/s. `--upstream` lists the HTTP clients to the backends to measure, one router
 * daemon each (the first is the figure the goals are judged on). `--profile DIR` runs the
 * routers under `node --cpu-prof` and lists their hot spots.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../src/cli/control-plane.js";
import { findFreePort } from "../src/net/index.js";
import type { UpstreamKind } from "../src/router/index.js";
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
    upstream: { type: "string", default: "undici" },
    profile: { type: "string" },
    docs: { type: "boolean", default: false },
  },
  strict: true,
});
const seconds = Number(values.seconds);
const upstreams = values.upstream.split(",").map((u) => {
  if (u !== "undici" && u !== "node") throw new Error(`--upstream takes undici and/or node, comma-separated; got ${u}`);
  return u satisfies UpstreamKind;
});
const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

requireTool("haproxy", "haproxy");
requireTool("wrk", "wrk");
requireTool("taskset", "util-linux");
const dir = await mkdtemp(join(tmpdir(), "slipway-bench-router-"));
const running: Running[] = [];
try {
  console.log(`slipway router benchmark on ${machine()}; proxies under test on core 0, apps and wrk on core 1`);
  const apps: [number, number] = [await findFreePort("127.0.0.1"), await findFreePort("127.0.0.1")];
  running.push(await startApps(dir, apps));
  const routers = [];
  for (const upstream of upstreams) {
    const port = await findFreePort("127.0.0.1");
    const router = await startRouterDaemon(join(dir, upstream), port, apps, upstream, values.profile && join(values.profile, upstream));
    running.push(router);
    routers.push({ name: `router (${upstream})`, upstream, port, router });
  }
  const haproxyPort = await findFreePort("127.0.0.1");
  const haproxy = await startHaproxy(dir, haproxyPort, apps);
  running.push(haproxy);
  const proxies = [
    { name: "direct", url: `http://127.0.0.1:${apps[0]}/`, pid: undefined },
    ...routers.map((r) => ({ name: r.name, url: `http://127.0.0.1:${r.port}/`, pid: r.router.child.pid })),
    { name: "haproxy", url: `http://127.0.0.1:${haproxyPort}/`, pid: haproxy.child.pid },
  ];
  const scripts = await writeScripts(dir);

  step("warm-up");
  for (const p of proxies) await saturate(scripts.saturate, p.url, 2);

  step(`saturation: ${values.rounds} alternating rounds of ${seconds} s each`);
  const throughput: RouterFigures["throughput"] = {};
  const cpuPerRequest: RouterFigures["cpuPerRequest"] = {};
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const { name, url, pid } of proxies) {
      const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
      const result = await saturate(scripts.saturate, url, seconds);
      (throughput[name] ??= []).push(result);
      let cpu = "";
      if (pid !== undefined) {
        const us = ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests;
        (cpuPerRequest[name] ??= []).push(us);
        cpu = `, ${us.toFixed(1)} µs CPU per request`;
      }
      console.log(`  ${name}: ${Math.round(result.rate)} req/s (errors ${result.socketErrors + result.badStatus})${cpu}`);
    }
  }

  const latency: RouterFigures["latency"] = [];
  for (const rate of [1_000, 5_000]) {
    step(`latency at ${rate} req/s`);
    const results: Record<string, WrkResult> = {};
    for (const { name, url } of proxies) {
      const x = (results[name] = await paced(scripts.paced, url, seconds, rate));
      console.log(`  ${name}: ${Math.round(x.rate)} req/s, p50 ${x.p50.toFixed(3)} p99 ${x.p99.toFixed(3)} p99.9 ${x.p999.toFixed(3)} ms, errors ${x.socketErrors + x.badStatus}`);
    }
    latency.push({ rate, results });
  }

  const changes: RouterFigures["changes"] = {};
  for (const r of routers) {
    step(`${r.name}: route changes under 5,000 req/s`);
    const c = (changes[r.name] = await routeChangesUnderLoad(r.router.client, scripts.paced, `http://127.0.0.1:${r.port}/`, r.port, apps, seconds));
    console.log(`  ${c.changes} route changes; ${c.load.requests} requests, ${c.load.socketErrors} socket errors, ${c.load.badStatus} non-2xx`);
  }

  const figures: RouterFigures = { routers: routers.map((r) => r.name), throughput, cpuPerRequest, latency, changes };
  const report = routerReport(figures);
  console.log(`\n${report}\n`);

  const profiles: string[] = [];
  if (values.profile) {
    for (const r of routers) {
      await r.router.stop();
      running.splice(running.indexOf(r.router), 1);
      const hot = await hotspots(join(values.profile, r.upstream));
      profiles.push([`${r.name}: profile ${hot.file} (idle ${(hot.idle * 100).toFixed(0)}%), self time of busy samples:`, ...hot.spots.map((s) => `  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.where}`)].join("\n"));
    }
    console.log(profiles.join("\n\n"));
  }
  if (values.docs) {
    await writeRouterDocs(join(PACKAGE_ROOT, "docs", "benchmarks.md"), report, profiles.length ? profiles.join("\n\n") : undefined);
    console.log("wrote docs/benchmarks.md (Router section)");
  }
} catch (err) {
  console.error("benchmark failed:", err);
  process.exitCode = 1;
} finally {
  for (const r of running.reverse()) await r.stop().catch((err: unknown) => console.error("stopping:", err));
  await rm(dir, { recursive: true, force: true });
}
