import type { Command } from "commander";
import { formatDuration } from "../../core/index.js";
import type { Distribution, DoraReport, KpiReport } from "../../insights/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson, printTable } from "../output.js";

interface MetricsOptions {
  service?: string;
  env?: string;
  since: string;
  until?: string;
  minDeployments?: string;
  year?: string;
  json?: boolean;
}

/** `slipway metrics`: the DORA keys with their tiers, and the KPIs, over a window. */
export function registerMetricsCommand(program: Command, ctx: CliContext): void {
  program
    .command("metrics")
    .description("DORA keys (with performance tiers) and delivery KPIs over a window; definitions in docs/metrics.md")
    .option("--service <service>", "one service (default: every service)")
    .option("--env <environment>", "one environment (default: every production environment)")
    .option("--since <when>", "start of the window: a duration back from now (90d, 12h) or an ISO time", "90d")
    .option("--until <when>", "end of the window (default now)")
    .option("--min-deployments <n>", "fewer production deployments than this: no tiers (default 10)")
    .option("--year <year>", "the DORA report year whose tiers apply (default 2024)")
    .option("--json", "print JSON (with each definition)")
    .action(async (opts: MetricsOptions) => {
      const q = new URLSearchParams({ since: opts.since });
      if (opts.service) q.set("service", opts.service);
      if (opts.env) q.set("environment", opts.env);
      if (opts.until) q.set("until", opts.until);
      if (opts.minDeployments) q.set("min_deployments", opts.minDeployments);
      if (opts.year) q.set("year", opts.year);
      const dora = await apiRequest<DoraReport>(ctx.target(), "GET", `/metrics/dora?${q}`);
      const kpis = await apiRequest<KpiReport>(ctx.target(), "GET", `/metrics/kpis?${q}`);
      if (opts.json) return printJson({ dora, kpis }, ctx.out);
      printReport(dora, kpis, ctx.out);
    });
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const dist = (d: Distribution) => `median ${formatDuration(d.medianMs)}, p90 ${formatDuration(d.p90Ms)} (${d.count})`;

function printReport(dora: DoraReport, kpis: KpiReport, out: NodeJS.WritableStream): void {
  const scope = `${dora.scope.service ?? "all services"}, ${dora.scope.environment ?? "production environments"}`;
  out.write(`${scope}: ${new Date(dora.window.since).toISOString().slice(0, 10)} .. ${new Date(dora.window.until).toISOString().slice(0, 16)}Z (${dora.window.days} days), ${dora.deployments} production deployments\n`);
  if (dora.note) out.write(`note: ${dora.note}\n`);
  const k = dora.keys;
  const rows = [
    { key: "deployment frequency", value: k.deploymentFrequency.value ? `${k.deploymentFrequency.value.perDay.toFixed(2)}/day, ${k.deploymentFrequency.value.perWeek.toFixed(1)}/week (${k.deploymentFrequency.value.successful})` : "no data", tier: k.deploymentFrequency.tier },
    { key: "change lead time", value: k.leadTime.value ? dist(k.leadTime.value) : "no data", tier: k.leadTime.tier },
    { key: "change fail rate", value: k.changeFailRate.value ? `${pct(k.changeFailRate.value.rate)} (${k.changeFailRate.value.failed}/${k.changeFailRate.value.deployments})` : "no data", tier: k.changeFailRate.tier },
    { key: "recovery time", value: k.recoveryTime.value ? `${dist(k.recoveryTime.value)}${k.recoveryTime.value.unrecovered ? `, ${k.recoveryTime.value.unrecovered} not recovered` : ""}` : "no data", tier: k.recoveryTime.tier },
    { key: "rework rate", value: k.reworkRate.value ? `${pct(k.reworkRate.value.rate)} (${k.reworkRate.value.unplanned}/${k.reworkRate.value.deployments})` : "no data", tier: k.reworkRate.tier },
  ];
  printTable(rows.map((r) => ({ "DORA key": r.key, value: r.value, [`tier (${dora.reportYear})`]: r.tier })), ["DORA key", "value", `tier (${dora.reportYear})`], out);
  out.write("\n");
  printTable(
    kpis.kpis.map((x) => ({
      KPI: x.key,
      value: x.value === null ? "no data" : typeof x.value === "number" ? `${pct(x.value)} (${x.numerator}/${x.denominator})` : dist(x.value),
    })),
    ["KPI", "value"],
    out,
  );
}
