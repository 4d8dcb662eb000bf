/**
 * `npm run bench:insights -- [--deployments 1000000] [--services 500] [--years 3] [--dialects sqlite,postgres] [--runs 20]`
 *
 * Generates a delivery history (deployments over services and years, incidents = deployments/20,
 * commits = 2 × deployments), builds the rollups, then times every report (DORA keys, KPIs) for
 * one service and for all services over 90 days and 1 year: p95 of --runs runs, beside the
 * baseline (the same report computed from the raw rows at query time, same code, no rollups;
 * run for at most --naive-budget seconds per cell), and checks both give the same answer.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ManualClock } from "../src/core/index.js";
import { doraReport, kpiReport, parseWindow, refreshInsights, type MetricsQuery } from "../src/insights/index.js";
import { openStore, type Store } from "../src/store/index.js";
import { dropSchema, TEST_PG_URL } from "../src/store/testing.js";
import { generate } from "./insights/generate.js";
import { postgresLoader, sqliteLoader, type BulkLoader } from "./insights/load.js";
import { naiveDora, naiveKpis } from "./insights/naive.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const DEPLOYMENTS = Number(arg("deployments", "1000000"));
const SERVICES = Number(arg("services", "500"));
const YEARS = Number(arg("years", "3"));
const RUNS = Number(arg("runs", "20"));
const NAIVE_BUDGET_MS = Number(arg("naive-budget", "20")) * 1000;
const DIALECTS = arg("dialects", "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
/** The baseline over all services reads the whole history on every run (minutes at 1M): --baseline-all no skips it. */
const BASELINE_ALL = arg("baseline-all", "yes") !== "no";
const NOW = Date.UTC(2026, 11, 1, 12);
const GOAL_MS = 300;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)]!;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function timed(runs: number, budgetMs: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    out.push((await time(f))[0]);
    if (performance.now() - start > budgetMs) break;
  }
  return out;
}

async function fresh(dialect: "sqlite" | "postgres"): Promise<{ open(): Promise<Store>; loader(): Promise<BulkLoader>; cleanup(): Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "slipway-bench-insights-"));
    const file = join(dir, "slipway.db");
    return { open: () => openStore(`sqlite:${file}`), loader: async () => sqliteLoader(file), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_insights_${Date.now()}`;
  return { open: () => openStore(TEST_PG_URL, { schema }), loader: () => postgresLoader(TEST_PG_URL, schema), cleanup: () => dropSchema(schema) };
}

async function benchDialect(dialect: "sqlite" | "postgres"): Promise<void> {
  const db = await fresh(dialect);
  try {
    await (await db.open()).close(); // migrations
    const loader = await db.loader();
    const counts: Record<string, number> = {};
    const [genMs] = await time(async () => {
      await generate({ deployments: DEPLOYMENTS, services: SERVICES, years: YEARS, incidents: Math.floor(DEPLOYMENTS / 20), commits: DEPLOYMENTS * 2, now: NOW }, (table, row) => {
        counts[table] = (counts[table] ?? 0) + 1;
        loader.add(table, row);
      }, () => loader.drain());
      await loader.finish();
    });
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`\n## ${dialect}: ${DEPLOYMENTS.toLocaleString("en")} deployments, ${SERVICES} services, ${YEARS} years`);
    console.log(`generated and loaded ${rows.toLocaleString("en")} rows in ${ms(genMs)} (${Math.round(rows / (genMs / 1000)).toLocaleString("en")} rows/s): ${Object.entries(counts).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ")}`);
    const store = await db.open();
    const clock = new ManualClock(NOW);
    try {
      const [buildMs, built] = await time(() => refreshInsights(store, clock));
      console.log(`rollups built from scratch in ${ms(buildMs)} (${built.services} services, ${built.days} days)`);
      const [noopMs] = await time(() => refreshInsights(store, clock));
      console.log(`refresh with nothing new: ${ms(noopMs)}`);
      console.log("");
      console.log("| report | scope | window | rollups p95 | baseline p95 (runs) | ratio | < 300 ms | same answer |");
      console.log("|---|---|---|---|---|---|---|---|");
      for (const service of ["svc-7", undefined]) {
        for (const since of ["90d", "365d"]) {
          const q: MetricsQuery = { service, window: parseWindow({ since }, NOW) };
          for (const [name, fast, slow] of [
            ["DORA", () => doraReport(store, clock, q), () => naiveDora(store, q)],
            ["KPIs", () => kpiReport(store, clock, q), () => naiveKpis(store, q)],
          ] as const) {
            const a = await timed(RUNS, Number.POSITIVE_INFINITY, fast);
            if (!service && !BASELINE_ALL) {
              console.log(`| ${name} | all services | ${since} | ${ms(p95(a))} | not run | | ${p95(a) < GOAL_MS ? "yes" : "NO"} | not checked |`);
              continue;
            }
            const b = await timed(RUNS, NAIVE_BUDGET_MS, slow);
            const same = JSON.stringify(await fast()) === JSON.stringify(await slow());
            console.log(`| ${name} | ${service ?? "all services"} | ${since} | ${ms(p95(a))} | ${ms(p95(b))} (${b.length}) | ${(p95(b) / p95(a)).toFixed(0)}× | ${p95(a) < GOAL_MS ? "yes" : "NO"} | ${same ? "yes" : "NO"} |`);
          }
        }
      }
      // One more deployment: what a report after a change pays to catch up.
      const last = await store.db.selectFrom("deployments").selectAll().where("service", "=", "svc-7").where("environment", "=", "prod").orderBy("created_at", "desc").limit(1).executeTakeFirstOrThrow();
      await store.db.insertInto("deployments").values({ ...last, id: "DBENCHNEW", created_at: NOW - 60_000, updated_at: NOW + 10_000, started_at: NOW - 60_000, finished_at: NOW - 30_000 }).execute();
      const later = new ManualClock(NOW + 20_000);
      const [incMs, inc] = await time(() => refreshInsights(store, later));
      console.log(`\nincremental refresh after one new deployment: ${ms(incMs)} (${inc.services} service, ${inc.days} day)`);
    } finally {
      await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

for (const dialect of DIALECTS) await benchDialect(dialect);
