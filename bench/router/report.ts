/** The router figures as a table, with the issue's goals, for the console and docs/benchmarks.md. */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { median } from "../core/load.js";
import { machine } from "../core/report.js";
import type { ChangesResult } from "./changes.js";
import type { WrkResult } from "./wrk.js";

export interface RouterFigures {
  /** Names of the router daemons measured (one per upstream client); the first is judged against the goals. */
  routers: string[];
  /** Saturation runs by proxy name: "direct", each router, "haproxy". */
  throughput: Record<string, WrkResult[]>;
  /** CPU time each proxy process spent per request at saturation (µs), one per round. */
  cpuPerRequest: Record<string, number[]>;
  latency: { rate: number; results: Record<string, WrkResult> }[];
  /** Route changes under load, by router. */
  changes: Record<string, ChangesResult>;
}

const ms = (x: number) => `${x.toFixed(3)} ms`;
const added = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(3)} ms`;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const yes = (ok: boolean) => (ok ? "yes" : "NO");

export function routerReport(f: RouterFigures): string {
  const judged = f.routers[0]!;
  const rate = (name: string) => median(f.throughput[name]!.map((r) => r.rate));
  const cpu = (name: string) => median(f.cpuPerRequest[name]!);
  const capacity = (name: string) => 1e6 / cpu(name);
  const lines = [
    `| figure | direct (app) | ${f.routers.map((r) => `Slipway ${r}`).join(" | ")} | HAProxy 2.6 | goal | met (${judged}) |`,
    `|---|---|${f.routers.map(() => "---|").join("")}---|---|---|`,
    `| req/s at saturation, one core (median of ${f.throughput[judged]!.length}) | ${Math.round(rate("direct"))} | ${f.routers.map((r) => `${Math.round(rate(r))} (${pct(rate(r) / rate("haproxy"))} of HAProxy)`).join(" | ")} | ${Math.round(rate("haproxy"))} | ≥ 80% of HAProxy | ${yes(rate(judged) / rate("haproxy") >= 0.8)} |`,
    `| req/s per second of one core's CPU time (1e6 / CPU µs per request) | - | ${f.routers.map((r) => `${Math.round(capacity(r))} (${cpu(r).toFixed(1)} µs/req; ${pct(capacity(r) / capacity("haproxy"))} of HAProxy)`).join(" | ")} | ${Math.round(capacity("haproxy"))} (${cpu("haproxy").toFixed(1)} µs/req) | ≥ 80% of HAProxy | ${yes(capacity(judged) / capacity("haproxy") >= 0.8)} |`,
  ];
  for (const { rate: at, results } of f.latency) {
    const direct = results["direct"]!;
    for (const [q, label] of [["p50", "p50"], ["p99", "p99"], ["p999", "p99.9"]] as const) {
      const goal = at === 1_000 && q === "p99" ? "≤ +1 ms" : "-";
      const met = goal === "-" ? "-" : yes(results[judged]![q] - direct[q] <= 1);
      const cell = (name: string) => `${ms(results[name]![q])} (${added(results[name]![q] - direct[q])})`;
      const achieved = f.routers.map((r) => Math.round(results[r]!.rate)).join(" / ");
      lines.push(`| ${label} at ${at} req/s (achieved ${achieved}) | ${ms(direct[q])} | ${f.routers.map(cell).join(" | ")} | ${cell("haproxy")} | ${goal} | ${met} |`);
    }
  }
  const lost = (r: string) => f.changes[r]!.load.socketErrors + f.changes[r]!.load.badStatus;
  lines.push(
    `| requests lost during route changes (every 50 ms) under load | - | ${f.routers.map((r) => `${lost(r)} of ${f.changes[r]!.load.requests} (${f.changes[r]!.changes} changes at ${Math.round(f.changes[r]!.load.rate)} req/s)`).join(" | ")} | - | 0 | ${yes(lost(judged) === 0)} |`,
  );
  return lines.join("\n");
}

const BEGIN = "<!-- router-bench:begin (written by `npm run bench:router -- --docs`) -->";
const END = "<!-- router-bench:end -->";

export async function writeRouterDocs(path: string, table: string, profile: string | undefined): Promise<void> {
  const generated = [
    BEGIN,
    `Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}.`,
    "",
    table,
    ...(profile ? ["", "```", profile, "```"] : []),
    END,
  ].join("\n");
  let text = existsSync(path) ? await readFile(path, "utf8") : "# Benchmarks\n";
  if (!text.includes(BEGIN)) text = `${text.trimEnd()}\n\n## Router\n\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  await writeFile(path, text.slice(0, start) + generated + text.slice(end + END.length));
}
