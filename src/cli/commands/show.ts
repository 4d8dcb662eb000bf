import type { Command } from "commander";
import type { Deployment } from "../../core/index.js";
import { formatDuration } from "../../core/index.js";
import type { ClusterView, DeploymentDetail, EnvironmentStatus } from "../../engine/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, clockTime, printJson, printTable } from "../output.js";
import { describeStep, formatEvent } from "../watch.js";

/** `slipway status`, `history`, `show`: read-only views for people (tables) and scripts (--json). */
export function registerShowCommands(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("what runs where: version, since, replicas, and the URL each environment serves on")
    .argument("[service]", "only this service")
    .option("--cluster", "the control-plane instances instead: heartbeats, what each holds")
    .option("--json", "print JSON")
    .action(async (service: string | undefined, opts: { json?: boolean; cluster?: boolean }) => {
      if (opts.cluster) return printCluster(await apiRequest<ClusterView>(ctx.target(), "GET", "/cluster"), ctx.out, opts.json === true);
      const { environments } = await apiRequest<{ environments: EnvironmentStatus[] }>(ctx.target(), "GET", `/status${service ? `?service=${encodeURIComponent(service)}` : ""}`);
      if (opts.json) return printJson(environments);
      printTable(
        environments.map((e) => ({
          service: e.service,
          env: e.environment,
          version: e.version ?? "-",
          since: ago(e.since),
          replicas: `${e.replicas.running} up${e.replicas.notRunning ? `, ${e.replicas.notRunning} other` : ""}`,
          health: e.health,
          traffic: e.weights.map((w) => `${w.version} ${w.weight}%`).join(", ") || "-",
          url: e.url,
          deploying: e.inFlight ? `${e.inFlight.version} (${e.inFlight.state})` : "",
        })),
        ["service", "env", "version", "since", "replicas", "health", "traffic", "url", "deploying"],
        ctx.out,
      );
    });

  program
    .command("history")
    .description("a service's deployments, newest first")
    .argument("<service>", "the service")
    .option("--env <environment>", "only this environment")
    .option("--limit <n>", "how many", "20")
    .option("--json", "print JSON")
    .action(async (service: string, opts: { env?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({ service, limit: opts.limit, ...(opts.env ? { environment: opts.env } : {}) });
      const { deployments } = await apiRequest<{ deployments: Deployment[] }>(ctx.target(), "GET", `/deployments?${q}`);
      if (opts.json) return printJson(deployments);
      printTable(deployments.map(historyRow), ["id", "env", "version", "kind", "state", "by", "started", "took", "error"], ctx.out);
    });

  program
    .command("show")
    .description("one deployment: plan, analysis decisions with their numbers, timeline")
    .argument("<id>", "deployment id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const detail = await apiRequest<DeploymentDetail>(ctx.target(), "GET", `/deployments/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(detail);
      printDeploymentDetail(detail, ctx.out, { timeline: true });
    });
}

function historyRow(d: Deployment): Record<string, string> {
  return {
    id: d.id,
    env: d.environment,
    version: d.version,
    kind: d.kind,
    state: d.state,
    by: d.actor,
    started: ago(d.createdAt),
    took: d.finishedAt ? formatDuration(d.finishedAt - d.createdAt) : "-",
    error: (d.error ?? "").slice(0, 60),
  };
}

/** The human view of one deployment. */
export function printDeploymentDetail(detail: DeploymentDetail, out: NodeJS.WritableStream, options: { timeline: boolean }): void {
  const d = detail.deployment;
  out.write(`${d.id}  ${d.service} ${d.version} → ${d.environment}  (${d.kind}, ${d.strategy})\n`);
  out.write(`state:    ${d.state}${d.finishedAt ? ` after ${formatDuration(d.finishedAt - d.createdAt)}` : ""}\n`);
  out.write(`by:       ${d.actor}${d.reason ? ` — ${d.reason}` : ""}\n`);
  out.write(`previous: ${d.previousVersion ?? "(none)"}\n`);
  if (d.override) out.write(`override: by ${d.override.by} — ${d.override.reason}\n`);
  if (d.waitingFor) out.write(`waiting:  ${d.waitingFor}\n`);
  if (d.error) out.write(`error:    ${d.error}\n${d.errorHint ? `hint:     ${d.errorHint}\n` : ""}`);
  out.write("steps:\n");
  for (const s of detail.steps) {
    const took = s.startedAt && s.finishedAt ? ` (${formatDuration(s.finishedAt - s.startedAt)})` : "";
    out.write(`  ${String(s.idx + 1).padStart(2)}. ${s.state.padEnd(7)} ${describeStep(s.params as unknown as Record<string, unknown>)}${took}\n`);
  }
  printScriptOutputs(detail, out);
  if (detail.decisions.length > 0) {
    out.write("analysis decisions:\n");
    for (const x of detail.decisions) out.write(`  ${clockTime(x.at).slice(11)}  ${x.verdict.padEnd(12)} ${x.reason}\n`);
  }
  if (options.timeline) {
    out.write("timeline:\n");
    for (const e of detail.timeline) out.write(`  ${formatEvent({ ...e, payload: e.payload as Record<string, unknown> })}\n`);
  }
}

/** `status --cluster`: one row per instance, then the work that waits for a node with no live instance. */
function printCluster(view: ClusterView, out: NodeJS.WritableStream, json: boolean): void {
  if (json) return printJson(view, out);
  printTable(
    view.instances.map((i) => ({
      instance: `${i.hostname} pid ${i.pid}${i.self ? " (this one)" : ""}`,
      state: i.alive ? "alive" : "no heartbeat",
      heartbeat: ago(i.heartbeatAt),
      started: ago(i.startedAt),
      api: i.apiUrl ?? "-",
      node: i.node,
      holds: i.holds.map((d) => `${d.service}/${d.environment} ${d.version} (${d.state})`).join(", ") || "-",
    })),
    ["instance", "state", "heartbeat", "started", "api", "node", "holds"],
    out,
  );
  if (view.stranded.length > 0) {
    out.write(`\nwaiting for a node with no live instance (its local replicas are there; start a server on it):\n`);
    for (const d of view.stranded) out.write(`  ${d.id}  ${d.service}/${d.environment} ${d.version} (${d.state}) on ${d.node}\n`);
  }
}

/** Lines of a script command's output shown by `slipway show` (all of it: --json). */
const SCRIPT_OUTPUT_LINES = 20;

type ScriptAttemptView = { attempt: number; exitCode: number | null; output?: string };

/** The end of each script command's output, as stored (redacted) with its step, or for a rollback in its event. */
function printScriptOutputs(detail: DeploymentDetail, out: NodeJS.WritableStream): void {
  for (const s of detail.steps) {
    const result = s.result as Record<string, unknown> | null;
    const nested = (result?.details as Record<string, unknown> | undefined)?.script ?? result?.script ?? result;
    const script = nested as { name?: string; attempts?: ScriptAttemptView[] } | null;
    if (script?.name && script.attempts) printOutput(`${script.name} (step ${s.idx + 1}`, script.attempts, out);
  }
  for (const e of detail.timeline) {
    const p = e.payload as { command?: string; attempts?: ScriptAttemptView[] } | null;
    if (e.action === "script.ran" && p?.command === "rollback" && p.attempts) printOutput("rollback (", p.attempts, out);
  }
}

function printOutput(what: string, attempts: ScriptAttemptView[], out: NodeJS.WritableStream): void {
  const last = attempts[attempts.length - 1];
  if (last?.output === undefined) return;
  const lines = last.output.split("\n").filter((l) => l !== "");
  const shown = lines.length > SCRIPT_OUTPUT_LINES ? `, last ${SCRIPT_OUTPUT_LINES} lines` : "";
  out.write(`output of ${what}${what.endsWith("(") ? "" : ", "}attempt ${last.attempt}, exit ${last.exitCode ?? "-"}${shown}):\n`);
  for (const line of lines.slice(-SCRIPT_OUTPUT_LINES)) out.write(`  | ${line}\n`);
}
