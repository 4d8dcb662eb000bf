/** The figures as one table (printed, and as markdown for docs/benchmarks.md). */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import type { LatencyResult } from "./latency.js";
import { median, quantile } from "./load.js";
import type { OverheadResult } from "./overhead.js";
import type { RestoreResult } from "./restore.js";
import type { DowntimeRow } from "./zero-downtime.js";

export interface Figures {
  downtime: DowntimeRow[];
  restore: RestoreResult;
  overhead: OverheadResult;
  latency: LatencyResult;
}

export type Row = [figure: string, measured: string, baseline: string, goal: string, met: string];

const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : Math.round(x)} ms` : "n/a");
const yes = (ok: boolean) => (ok ? "yes" : "NO");

export function rows(f: Figures): Row[] {
  const out: Row[] = [];
  const baseline = f.downtime.find((r) => r.scenario.startsWith("BASELINE"));
  const base = baseline ? `${baseline.load.failed} failed of ${baseline.load.sent} (${Math.round(baseline.load.rate)} req/s)` : "n/a";
  for (const r of f.downtime.filter((x) => x !== baseline)) {
    const extra = r.load.appErrors > 0 ? `; bad build's own 500s: ${r.load.appErrors}` : "";
    out.push([
      `Zero downtime: ${r.scenario} -> ${r.outcome}`,
      `${r.load.failed} failed of ${r.load.sent} (${Math.round(r.load.rate)} req/s)${extra}`,
      `hand-run: ${base}`,
      "0 failed",
      yes(r.load.failed === 0),
    ]);
  }
  const router = f.restore.runs.map((r) => r.routerMs).filter(Number.isFinite);
  const observed = f.restore.runs.map((r) => r.observedMs).filter(Number.isFinite);
  out.push([
    `Time to restore (median of ${f.restore.runs.length}, decision -> router)`,
    `${ms(median(router))} (min ${ms(Math.min(...router))}, max ${ms(Math.max(...router))})`,
    "-",
    "< 100 ms",
    yes(median(router) < 100),
  ]);
  out.push([
    `Time to restore, client check (max of ${f.restore.runs.length}, ±${ms(f.restore.resolutionMs)})`,
    `no request sent later than ${ms(Math.max(...observed))} after the decision reached the bad build`,
    "-",
    "< 100 ms",
    yes(Math.max(...observed) < 100),
  ]);
  const total = median(f.overhead.deploysMs);
  const ready = median(f.overhead.appReadyMs);
  out.push([
    `Control-plane overhead, blue-green x2 (median of ${f.overhead.deploysMs.length})`,
    `${ms(total - ready)} (deploy ${ms(total)} - app ready ${ms(ready)})`,
    `app by hand: ready in ${ms(ready)}`,
    "< 1 s",
    yes(total - ready < 1000),
  ]);
  const l = f.latency;
  out.push([
    `Router added latency p50 (${l.requests} req each, c=${l.concurrency})`,
    `+${ms(l.router.p50 - l.direct.p50)} (router ${ms(l.router.p50)})`,
    `direct ${ms(l.direct.p50)}`,
    "-",
    "-",
  ]);
  out.push([`Router added latency p99`, `+${ms(l.router.p99 - l.direct.p99)} (router ${ms(l.router.p99)})`, `direct ${ms(l.direct.p99)}`, "-", "-"]);
  return out;
}

const HEAD: Row = ["figure", "measured", "baseline (same run)", "goal", "met"];

export function textTable(data: Row[]): string {
  const all = [HEAD, ...data];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(HEAD), widths.map((w) => "-".repeat(w)).join("  "), ...data.map(line)].join("\n");
}

export function markdownTable(data: Row[]): string {
  const line = (r: Row) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(HEAD), `|${HEAD.map(() => "---").join("|")}|`, ...data.map(line)].join("\n");
}

export function details(f: Figures): string {
  const lines: string[] = [];
  lines.push("Load per scenario (failed = connection errors, timeouts, non-2xx not from the bad build):");
  for (const r of f.downtime) {
    const reasons = Object.entries(r.load.reasons).map(([k, v]) => `${k} x${v}`).join(", ") || "none";
    const versions = Object.entries(r.load.byVersion).map(([k, v]) => `${k}: ${v}`).join(", ");
    lines.push(`  ${r.scenario}: sent ${r.load.sent} in ${(r.load.durationMs / 1000).toFixed(1)} s (${Math.round(r.load.rate)} req/s), change took ${ms(r.deployMs)}; answers by version: ${versions}; failures: ${reasons}`);
  }
  const router = f.restore.runs.map((r) => r.routerMs).filter(Number.isFinite);
  lines.push(
    `Time to restore over ${f.restore.runs.length} bad canaries (${Math.round(f.restore.rate)} req/s light load): router p90 ${ms(quantile(router, 0.9))}; ` +
      `ended: ${[...new Set(f.restore.runs.map((r) => r.state))].join(", ")}; bad-build answers per run (median) ${median(f.restore.runs.map((r) => r.badAnswers))}`,
  );
  lines.push(`Blue-green deploy, median per step: queued->running ${ms(f.overhead.queuedMs)}, ${Object.entries(f.overhead.stepsMs).map(([k, v]) => `${k} ${ms(v)}`).join(", ")}`);
  lines.push(`Router latency: ${l(f.latency)}`);
  return lines.join("\n");
}

const l = (x: LatencyResult) => `direct p50 ${ms(x.direct.p50)} p99 ${ms(x.direct.p99)}; router p50 ${ms(x.router.p50)} p99 ${ms(x.router.p99)}; failed ${x.failed}`;

export function machine(): string {
  const cpu = cpus();
  const load = loadavg().map((x) => x.toFixed(1)).join(" ");
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? "cpu"}, Node ${process.version}, ${process.platform}, load average ${load}`;
}

const BEGIN = "<!-- core-bench:begin (written by `npm run bench -- --docs`) -->";
const END = "<!-- core-bench:end -->";

/** Replaces only the generated part of the Core section; creates the file (with both sections) if missing. */
export async function writeDocs(path: string, f: Figures, data: Row[]): Promise<void> {
  const generated = [
    BEGIN,
    `Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}.`,
    "",
    markdownTable(data),
    "",
    "```",
    details(f),
    "```",
    END,
  ].join("\n");
  let text = existsSync(path) ? await readFile(path, "utf8") : "# Benchmarks\n\n## Core\n\n" + `${BEGIN}\n${END}\n\n## Triage\n\n\`npm run bench:triage\` (maintained separately).\n`;
  if (!text.includes(BEGIN)) text = `${text.trimEnd()}\n\n## Core\n\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  await writeFile(path, text.slice(0, start) + generated + text.slice(end + END.length));
}
