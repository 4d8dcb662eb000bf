import type { Command } from "commander";
import type { Change } from "../../engine/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, clockTime, printJson, printTable } from "../output.js";

/** `slipway changes`: what changed in a window, newest first, for incident bridges. */
export function registerChangesCommand(program: Command, ctx: CliContext): void {
  program
    .command("changes")
    .description("every deployment, rollback, override and config change in a window, newest first")
    .option("--env <environment>", "only this environment (config changes that apply to it are shown too)")
    .option("--service <service>", "only this service")
    .option("--since <when>", "start of the window: a duration back from now (2h, 30m, 1h30m) or an ISO time", "2h")
    .option("--until <when>", "end of the window (default now)")
    .option("--limit <n>", "at most this many", "200")
    .option("--json", "print JSON")
    .action(async (opts: { env?: string; service?: string; since: string; until?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({ since: opts.since, limit: opts.limit });
      if (opts.env) q.set("environment", opts.env);
      if (opts.service) q.set("service", opts.service);
      if (opts.until) q.set("until", opts.until);
      const answer = await apiRequest<{ since: number; until: number; changes: Change[] }>(ctx.target(), "GET", `/changes?${q}`);
      if (opts.json) return printJson(answer, ctx.out);
      const window = `${clockTime(answer.since)} .. ${opts.until ? clockTime(answer.until) : "now"}`;
      ctx.out.write(`changes${opts.env ? ` in ${opts.env}` : ""}${opts.service ? ` to ${opts.service}` : ""}, ${window} (newest first)\n`);
      printTable(answer.changes.map(row), ["time", "ago", "kind", "service", "env", "change", "state", "by", "reason", "id"], ctx.out);
    });
}

function row(c: Change): Record<string, string> {
  const change = c.kind === "config" ? "slipway.yaml" : c.version ? `${c.previousVersion ?? "(none)"} → ${c.version}` : "-";
  return {
    time: clockTime(c.at),
    ago: ago(c.at),
    kind: c.kind,
    service: c.service,
    env: c.environment ?? "(all)",
    change,
    state: c.state ?? "",
    by: c.actor,
    reason: (c.reason ?? "").replace(/\s+/g, " ").slice(0, 60),
    id: c.id,
  };
}
