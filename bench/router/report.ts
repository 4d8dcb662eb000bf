/** The router figures as a table, with the goals, for the console and docs/benchmarks.md. */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { median } from "../core/load.js";
import { machine } from "../core/report.js";
import type { ChangesResult } from "./changes.js";
import type { WrkResult } from "./wrk.js";

export interface RouterFigures {
  throughput: Record<"direct" | "router" | "haproxy", WrkResult[]>;
  /** CPU time the proxy process spent per request at saturation (µs), one per round. */
  cpuPerRequest: Record<"router" | "haproxy", number[]>;
  latency: { rate: number; direct: WrkResult; router: WrkResult; haproxy: WrkResult }[];
  changes: ChangesResult;
}

const ms = (x: number) => `${x.toFixed(3)} ms`;
const added = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(3)} ms`;

export function routerReport(f: RouterFigures): string {
  const rate = (name: keyof RouterFigures["throughput"]) => median(f.throughput[name].map((r) => r.rate));
  const ratio = rate("router") / rate("haproxy");
  const lines = [
    "| figure | direct (app) | Slipway router | HAProxy 2.6 | goal | met |",
    "|---|---|---|---|---|---|",
    `| req/s at saturation, one core (median of ${f.throughput.router.length}) | ${Math.round(rate("direct"))} | ${Math.round(rate("router"))} (${(ratio * 100).toFixed(0)}% of HAProxy) | ${Math.round(rate("haproxy"))} | ≥ 80% of HAProxy | ${ratio >= 0.8 ? "yes" : "NO"} |`,
  ];
  const cpu = (name: keyof RouterFigures["cpuPerRequest"]) => median(f.cpuPerRequest[name]);
  const capacity = (name: keyof RouterFigures["cpuPerRequest"]) => 1e6 / cpu(name);
  const cpuRatio = capacity("router") / capacity("haproxy");
  lines.push(
    `| req/s per second of one core's CPU time (1e6 / CPU µs per request) | - | ${Math.round(capacity("router"))} (${cpu("router").toFixed(1)} µs/req; ${(cpuRatio * 100).toFixed(0)}% of HAProxy) | ${Math.round(capacity("haproxy"))} (${cpu("haproxy").toFixed(1)} µs/req) | ≥ 80% of HAProxy | ${cpuRatio >= 0.8 ? "yes" : "NO"} |`,
  );
  for (const row of f.latency) {
    for (const [q, label] of [["p50", "p50"], ["p99", "p99"], ["p999", "p99.9"]] as const) {
      const goal = row.rate === 1_000 && q === "p99" ? "≤ +1 ms" : "-";
      const met = goal === "-" ? "-" : row.router[q] - row.direct[q] <= 1 ? "yes" : "NO";
      lines.push(
        `| ${label} at ${row.rate} req/s (achieved ${Math.round(row.router.rate)}) | ${ms(row.direct[q])} | ${ms(row.router[q])} (${added(row.router[q] - row.direct[q])}) | ${ms(row.haproxy[q])} (${added(row.haproxy[q] - row.direct[q])}) | ${goal} | ${met} |`,
      );
    }
  }
  const lost = f.changes.load.socketErrors + f.changes.load.badStatus;
  lines.push(
    `| requests lost during ${f.changes.changes} route changes at ${Math.round(f.changes.load.rate)} req/s | - | ${lost} of ${f.changes.load.requests} | - | 0 | ${lost === 0 ? "yes" : "NO"} |`,
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
