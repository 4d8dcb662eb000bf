import type { Command } from "commander";
import type { Deployment } from "../../core/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson } from "../output.js";
import { followDeployment } from "../watch.js";
import { printDeploymentDetail } from "./show.js";

interface WaitOptions {
  wait?: boolean;
  json?: boolean;
}

/**
 * `slipway deploy`, `promote`, `rollback`, `cancel`, `watch`: deploy and promote print the
 * deployment id (for scripts), rollback what it started and how to follow it; `--wait` and
 * `watch` follow a deployment to the end.
 */
export function registerDeployCommands(program: Command, ctx: CliContext): void {
  program
    .command("deploy")
    .description("deploy a pushed version to an environment")
    .argument("<service>", "the service")
    .argument("<version>", "a pushed version")
    .requiredOption("--env <environment>", "the environment (e.g. dev)")
    .option("--reason <text>", "why, for the record")
    .option("--dry-run", "evaluate every gate and say what would pass or stop it; change nothing")
    .option("--override-window", "break glass past change windows and freezes (admin or emergency grant; needs --reason)")
    .option("--wait", "follow the deployment; exit 0 only if it succeeded")
    .option("--json", "print JSON")
    .action(async (service: string, version: string, opts: WaitOptions & { env: string; reason?: string; dryRun?: boolean; overrideWindow?: boolean }) => {
      if (opts.dryRun) return dryRun(ctx, { service, version, environment: opts.env, overrideWindow: opts.overrideWindow ?? false, json: opts.json ?? false });
      const { deployment } = await apiRequest<{ deployment: Deployment }>(ctx.target(), "POST", "/deployments", { service, version, environment: opts.env, reason: opts.reason, override_window: opts.overrideWindow ?? false });
      await reportStarted(ctx, deployment, opts);
    });

  program
    .command("promote")
    .description("deploy exactly what one environment runs (the same digest) to the next")
    .argument("<service>", "the service")
    .requiredOption("--from <environment>", "where it runs now (e.g. staging)")
    .requiredOption("--to <environment>", "where it should go (e.g. prod)")
    .option("--reason <text>", "why, for the record")
    .option("--override-window", "break glass past change windows and freezes (admin or emergency grant; needs --reason)")
    .option("--wait", "follow the deployment; exit 0 only if it succeeded")
    .option("--json", "print JSON")
    .action(async (service: string, opts: WaitOptions & { from: string; to: string; reason?: string; overrideWindow?: boolean }) => {
      const { deployment } = await apiRequest<{ deployment: Deployment }>(ctx.target(), "POST", "/promotions", { service, from: opts.from, to: opts.to, reason: opts.reason, override_window: opts.overrideWindow ?? false });
      await reportStarted(ctx, deployment, opts);
    });

  program
    .command("rollback")
    .description("redeploy the last good version of an environment (or the one named by --to)")
    .argument("<service>", "the service")
    .requiredOption("--env <environment>", "the environment")
    .option("--to <version>", "the version to go back to")
    .option("--reason <text>", "why, for the record")
    .option("--wait", "follow the rollback; exit 0 only if it succeeded")
    .option("--json", "print JSON")
    .action(async (service: string, opts: WaitOptions & { env: string; to?: string; reason?: string }) => {
      const running = await runningVersion(ctx, service, opts.env);
      const { deployment } = await apiRequest<{ deployment: Deployment }>(ctx.target(), "POST", "/rollbacks", { service, environment: opts.env, to: opts.to, reason: opts.reason });
      if (opts.wait || opts.json) return reportStarted(ctx, deployment, opts);
      const from = deployment.previousVersion ?? running ?? "nothing";
      ctx.out.write(`started rollback ${deployment.id}: ${service} ${opts.env} from ${from} → ${deployment.version}\n`);
      ctx.out.write(`follow it: slipway watch ${deployment.id}\n`);
    });

  program
    .command("watch")
    .description("follow a deployment (or rollback) until it ends; exit 0 only if it succeeded")
    .argument("<id>", "deployment id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const detail = await followDeployment(ctx.target(), id, opts.json ? nullStream : ctx.out);
      if (opts.json) printJson(detail);
      else printDeploymentDetail(detail, ctx.out, { timeline: false });
      if (detail.deployment.state !== "succeeded") ctx.setExitCode(1);
    });

  program
    .command("cancel")
    .description("cancel a deployment; a running one restores what ran before")
    .argument("<id>", "deployment id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const { deployment } = await apiRequest<{ deployment: Deployment }>(ctx.target(), "POST", `/deployments/${encodeURIComponent(id)}/cancel`);
      if (opts.json) return printJson(deployment);
      ctx.out.write(deployment.state === "cancelled" ? `cancelled ${id}\n` : `cancel requested for ${id}; it is restoring the previous state\n`);
    });
}

/** The version an environment runs now, for saying what a rollback goes back from. */
async function runningVersion(ctx: CliContext, service: string, environment: string): Promise<string | undefined> {
  const { environments } = await apiRequest<{ environments: { environment: string; version: string | null }[] }>(ctx.target(), "GET", `/status?service=${encodeURIComponent(service)}`);
  return environments.find((e) => e.environment === environment)?.version ?? undefined;
}

async function reportStarted(ctx: CliContext, deployment: Deployment, opts: WaitOptions): Promise<void> {
  if (!opts.wait) {
    if (opts.json) printJson(deployment);
    else ctx.out.write(`${deployment.id}\n`);
    return;
  }
  if (!opts.json) ctx.out.write(`deployment ${deployment.id}: ${deployment.service} ${deployment.version} → ${deployment.environment}\n`);
  const detail = await followDeployment(ctx.target(), deployment.id, opts.json ? nullStream : ctx.out);
  if (opts.json) printJson(detail);
  else printDeploymentDetail(detail, ctx.out, { timeline: false });
  if (detail.deployment.state !== "succeeded") ctx.setExitCode(1);
}

interface GateReportView {
  passed: boolean;
  verdict: string;
  digest: string;
  gates: { gate: string; passed: boolean; facts: string; remedy?: string; overridden?: boolean }[];
}

/** `deploy --dry-run`: every gate, passed or failed with its facts and remedy. Exit 1 when it would not run now. */
async function dryRun(ctx: CliContext, req: { service: string; version: string; environment: string; overrideWindow: boolean; json: boolean }): Promise<void> {
  const q = new URLSearchParams({ service: req.service, environment: req.environment, version: req.version, override_window: String(req.overrideWindow) });
  const report = await apiRequest<GateReportView>(ctx.target(), "GET", `/gates?${q}`);
  if (!report.passed) ctx.setExitCode(1);
  if (req.json) return printJson(report);
  ctx.out.write(`${req.service} ${req.version} → ${req.environment}: ${report.passed ? "would run now" : report.verdict === "wait" ? "would wait" : "would be rejected"}\n`);
  if (report.gates.length === 0) ctx.out.write("  no gates configured for this environment\n");
  for (const g of report.gates) {
    const mark = g.overridden ? "overridden" : g.passed ? "passed" : "FAILED";
    ctx.out.write(`  ${mark.padEnd(10)} ${g.gate}: ${g.facts}${g.remedy && !g.passed ? `\n             → ${g.remedy}` : ""}\n`);
  }
}

const nullStream = { write: () => true } as unknown as NodeJS.WritableStream;
