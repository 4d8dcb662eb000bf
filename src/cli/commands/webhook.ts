import type { Command } from "commander";
import { badInput } from "../../core/index.js";
import { WEBHOOK_PROVIDERS, type WebhookSource } from "../../pipeline/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { clockTime, printJson, printTable } from "../output.js";

/** `slipway webhook add|list|remove`: the repositories whose CI may post runs (admin). */
export function registerWebhookCommands(program: Command, ctx: CliContext): void {
  const webhook = program.command("webhook").description("CI webhooks: which GitHub / GitLab repositories may post pipeline runs, and where their secret is");

  webhook
    .command("add")
    .description("accept webhooks from a repository; the secret is a reference the server resolves (env:NAME or file:/path)")
    .argument("<provider>", `${WEBHOOK_PROVIDERS.join(" or ")}`)
    .requiredOption("--repo <owner/name>", "the repository (GitHub owner/name, GitLab group/project)")
    .requiredOption("--secret <ref>", "where the server finds the secret: env:NAME or file:/path (never the secret itself)")
    .option("--service <name>", "the service its runs belong to")
    .option("--json", "print JSON")
    .action(async (provider: string, opts: { repo: string; secret: string; service?: string; json?: boolean }) => {
      if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(provider)) throw badInput(`unknown provider ${provider}`, { hint: `use ${WEBHOOK_PROVIDERS.join(" or ")}` });
      const { source } = await apiRequest<{ source: WebhookSource }>(ctx.target(), "POST", "/webhook-sources", { provider, repository: opts.repo, secret: opts.secret, service: opts.service });
      if (opts.json) return printJson(source, ctx.out);
      const path = provider === "github" ? "/api/v1/webhooks/github (content type application/json; events: Workflow runs, Workflow jobs)" : "/api/v1/webhooks/gitlab (trigger: Pipeline events; secret token)";
      ctx.out.write(`accepting ${provider} webhooks from ${source.repository} (secret from ${source.secretRef})\npoint the webhook at <server>${path}\n`);
    });

  webhook
    .command("list")
    .description("list the repositories allowed to post webhooks")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { sources } = await apiRequest<{ sources: WebhookSource[] }>(ctx.target(), "GET", "/webhook-sources");
      if (opts.json) return printJson(sources, ctx.out);
      printTable(sources.map((s) => ({ id: s.id, provider: s.provider, repository: s.repository, secret: s.secretRef, service: s.service ?? "-", added: clockTime(s.createdAt) })), ["id", "provider", "repository", "secret", "service", "added"], ctx.out);
    });

  webhook
    .command("remove")
    .description("stop accepting a repository's webhooks")
    .argument("<id>", "the source id (slipway webhook list)")
    .action(async (id: string) => {
      const { source } = await apiRequest<{ source: WebhookSource }>(ctx.target(), "DELETE", `/webhook-sources/${encodeURIComponent(id)}`);
      ctx.out.write(`no longer accepting ${source.provider} webhooks from ${source.repository}\n`);
    });
}
