import type { Command } from "commander";
import type { TokenInfo } from "../../api/index.js";
import { badInput } from "../../core/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, clockTime, printJson, printTable } from "../output.js";

interface CreateOptions {
  name: string;
  role: string;
  service?: string;
  env?: string;
  expires?: string;
  grant: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const scopeText = (t: TokenInfo) =>
  t.scope.service && t.scope.environment ? `${t.scope.service}/${t.scope.environment}` : t.scope.service ? `service ${t.scope.service}` : t.scope.environment ? `env ${t.scope.environment}` : "all";

/** `slipway token create|list|revoke`: API tokens for people and CI (admin only). */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command("token").description("API tokens: create (shown once), list for access reviews, revoke");

  token
    .command("create")
    .description("create a token; its secret is printed once and never again")
    .requiredOption("--name <name>", "who or what uses it (e.g. ci, alice)")
    .requiredOption("--role <role>", "viewer, deployer, approver or admin")
    .option("--service <service>", "only this service")
    .option("--env <environment>", "only this environment")
    .option("--expires <duration>", "expires after this long (e.g. 90d); default: never")
    .option("--grant <grant>", "extra grant beside the role (emergency: break-glass window overrides); repeatable", collect, [])
    .option("--json", "print JSON (includes the secret)")
    .action(async (opts: CreateOptions) => {
      const body = { name: opts.name, role: opts.role, service: opts.service, environment: opts.env, expires: opts.expires, grants: opts.grant.length ? opts.grant : undefined };
      const created = await apiRequest<TokenInfo & { token: string }>(ctx.target(), "POST", "/tokens", body);
      if (opts.json) return printJson(created, ctx.out);
      ctx.out.write(
        `created token ${created.id} "${created.name}": ${created.role} on ${scopeText(created)}` +
          `${created.grants.length ? `, grants ${created.grants.join(", ")}` : ""}` +
          `${created.expiresAt !== null ? `, expires ${clockTime(created.expiresAt)}` : ""}\n` +
          `token (shown once; store it now, e.g. as SLIPWAY_TOKEN in your CI secrets):\n  ${created.token}\n`,
      );
    });

  token
    .command("list")
    .description("tokens without their secrets: role, scope, created, expires, last used, revoked")
    .option("--unused <duration>", "only active tokens not used for this long (e.g. 30d), for access reviews")
    .option("--json", "print JSON")
    .action(async (opts: { unused?: string; json?: boolean }) => {
      const q = opts.unused ? `?unused=${encodeURIComponent(opts.unused)}` : "";
      const { tokens } = await apiRequest<{ tokens: TokenInfo[] }>(ctx.target(), "GET", `/tokens${q}`);
      if (opts.json) return printJson(tokens, ctx.out);
      printTable(
        tokens.map((t) => ({
          id: t.id,
          name: t.name,
          role: t.role,
          scope: scopeText(t),
          grants: t.grants.join(",") || "-",
          created: clockTime(t.createdAt),
          expires: t.expiresAt === null ? "never" : clockTime(t.expiresAt),
          "last used": t.lastUsedAt === null ? "never" : ago(t.lastUsedAt),
          state: t.state === "revoked" && t.revokedAt !== null ? `revoked ${clockTime(t.revokedAt)}` : t.state,
        })),
        ["id", "name", "role", "scope", "grants", "created", "expires", "last used", "state"],
        ctx.out,
      );
    });

  token
    .command("revoke")
    .description("revoke a token: requests with it are refused from now on")
    .argument("<id>", "token id (from `slipway token list`)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      if (!id.trim()) throw badInput("name the token id to revoke");
      const result = await apiRequest<{ token: TokenInfo; revoked: boolean }>(ctx.target(), "DELETE", `/tokens/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(result, ctx.out);
      ctx.out.write(result.revoked ? `revoked token ${result.token.id} "${result.token.name}"\n` : `token ${result.token.id} "${result.token.name}" was already revoked\n`);
    });
}
