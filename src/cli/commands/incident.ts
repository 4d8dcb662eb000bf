import type { Command } from "commander";
import { badInput } from "../../core/index.js";
import type { Incident, IncidentSourceConfig, Timeline } from "../../incidents/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, clockTime, printJson, printTable } from "../output.js";

const row = (i: Incident) => ({
  id: i.id,
  severity: i.severity,
  status: i.status,
  started: `${clockTime(i.startedAt)} (${ago(i.startedAt)})`,
  resolved: i.resolvedAt === null ? "-" : clockTime(i.resolvedAt),
  service: i.service ?? "-",
  env: i.environment ?? "-",
  source: i.source,
  deployments: String(i.deployments.length),
  title: i.title.slice(0, 60),
});
const COLUMNS = ["id", "severity", "status", "started", "resolved", "service", "env", "source", "deployments", "title"];

function isoOrUndefined(text: string | undefined, what: string): string | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw badInput(`${what} "${text}" is not an ISO 8601 time`, { hint: "e.g. 2026-03-01T10:00:00Z" });
  return new Date(ms).toISOString();
}

/** `slipway incident open|resolve|link|list|show|timeline|source`. */
export function registerIncidentCommands(program: Command, ctx: CliContext): void {
  const incident = program.command("incident").description("incidents: open, resolve, link deployments, list, timeline; alerting sources");
  const print = (i: Incident, json: boolean | undefined) => (json ? printJson({ incident: i }, ctx.out) : printTable([row(i)], COLUMNS, ctx.out));

  incident
    .command("open")
    .description("open an incident")
    .argument("<title>", "what is wrong, in a line")
    .option("--severity <sev>", "sev1 .. sev4", "sev2")
    .option("--service <service>", "the service affected")
    .option("--env <environment>", "the environment affected")
    .option("--summary <text>", "free text")
    .option("--started <iso>", "when it began (default now)")
    .option("--deployment <id...>", "deployments suspected of causing it")
    .option("--json", "print JSON")
    .action(async (title: string, opts: { severity: string; service?: string; env?: string; summary?: string; started?: string; deployment?: string[]; json?: boolean }) => {
      const body = { title, severity: opts.severity, service: opts.service, environment: opts.env, summary: opts.summary, started_at: isoOrUndefined(opts.started, "--started"), deployments: opts.deployment ?? [] };
      const answer = await apiRequest<{ incident: Incident }>(ctx.target(), "POST", "/incidents", body);
      print(answer.incident, opts.json);
    });

  incident
    .command("resolve")
    .description("resolve an incident")
    .argument("<id>", "the incident")
    .option("--at <iso>", "when it was resolved (default now)")
    .option("--summary <text>", "what fixed it")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { at?: string; summary?: string; json?: boolean }) => {
      const answer = await apiRequest<{ incident: Incident }>(ctx.target(), "POST", `/incidents/${encodeURIComponent(id)}/resolve`, { at: isoOrUndefined(opts.at, "--at"), summary: opts.summary });
      print(answer.incident, opts.json);
    });

  incident
    .command("link")
    .description("link deployments to an incident (its suspected causes)")
    .argument("<id>", "the incident")
    .argument("<deployments...>", "deployment ids")
    .option("--json", "print JSON")
    .action(async (id: string, deployments: string[], opts: { json?: boolean }) => {
      const answer = await apiRequest<{ incident: Incident }>(ctx.target(), "POST", `/incidents/${encodeURIComponent(id)}/links`, { deployments });
      print(answer.incident, opts.json);
    });

  incident
    .command("list")
    .description("incidents, newest first")
    .option("--status <status>", "open or resolved")
    .option("--service <service>", "only this service")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action(async (opts: { status?: string; service?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({ limit: opts.limit });
      if (opts.status) q.set("status", opts.status);
      if (opts.service) q.set("service", opts.service);
      const answer = await apiRequest<{ incidents: Incident[] }>(ctx.target(), "GET", `/incidents?${q}`);
      if (opts.json) return printJson(answer, ctx.out);
      printTable(answer.incidents.map(row), COLUMNS, ctx.out);
    });

  incident
    .command("timeline")
    .description("the postmortem timeline: deployments, rollbacks, overrides, approvals, config changes and verdicts around an incident")
    .argument("<id>", "the incident")
    .option("--before <duration>", "how long before its start to look", "2h")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { before: string; json?: boolean }) => {
      const t = await apiRequest<Timeline>(ctx.target(), "GET", `/incidents/${encodeURIComponent(id)}/timeline?${new URLSearchParams({ before: opts.before })}`);
      if (opts.json) return printJson(t, ctx.out);
      ctx.out.write(`${t.incident.severity} ${t.incident.title} (${t.incident.status}), ${new Date(t.since).toISOString()} .. ${new Date(t.until - 1).toISOString()}\n`);
      printTable(t.entries.map((e) => ({ time: new Date(e.at).toISOString().replace("T", " ").slice(0, 19), kind: e.kind, service: e.service ?? "", env: e.environment ?? "", what: e.what.slice(0, 100), by: e.actor, deployment: e.deploymentId ?? "" })), ["time", "kind", "service", "env", "what", "by", "deployment"], ctx.out);
      if (t.truncated) ctx.out.write("(truncated: the window holds more than a timeline shows; narrow --before)\n");
    });

  const source = incident.command("source").description("alerting integrations (PagerDuty, Opsgenie) allowed to open and resolve incidents");
  source
    .command("add")
    .argument("<provider>", "pagerduty or opsgenie")
    .argument("<name>", "a name for the integration; its webhook URL is /api/v1/webhooks/PROVIDER/NAME")
    .requiredOption("--secret <ref>", "where its secret is: env:NAME or file:/path (never the secret itself)")
    .option("--service <service>", "incidents it opens belong to this service")
    .option("--env <environment>", "and this environment")
    .option("--json", "print JSON")
    .action(async (provider: string, name: string, opts: { secret: string; service?: string; env?: string; json?: boolean }) => {
      const answer = await apiRequest<{ source: IncidentSourceConfig }>(ctx.target(), "POST", "/incident-sources", { provider, name, secret: opts.secret, service: opts.service, environment: opts.env });
      if (opts.json) return printJson(answer, ctx.out);
      ctx.out.write(`added ${provider} source ${name}; point its webhook at /api/v1/webhooks/${provider}/${name}\n`);
    });
  source
    .command("list")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const answer = await apiRequest<{ sources: IncidentSourceConfig[] }>(ctx.target(), "GET", "/incident-sources");
      if (opts.json) return printJson(answer, ctx.out);
      printTable(answer.sources.map((s) => ({ provider: s.provider, name: s.name, secret: s.secretRef, service: s.service ?? "-", env: s.environment ?? "-" })), ["provider", "name", "secret", "service", "env"], ctx.out);
    });
  source
    .command("remove")
    .argument("<provider>", "pagerduty or opsgenie")
    .argument("<name>", "the integration's name")
    .action(async (provider: string, name: string) => {
      await apiRequest(ctx.target(), "DELETE", `/incident-sources/${encodeURIComponent(provider)}/${encodeURIComponent(name)}`);
      ctx.out.write(`removed ${provider} source ${name}\n`);
    });
}
