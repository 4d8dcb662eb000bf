import type { Command } from "commander";
import { badInput } from "../../core/index.js";
import type { EngineSettings } from "../../engine/index.js";
import type { CliContext } from "../context.js";

// The control plane (Fastify, the engine, both database drivers) is imported only by the
// commands that run it, so that every other command starts quickly.
const controlPlane = () => import("../control-plane.js");

/**
 * SLIPWAY_LEASE_MS shortens the executor lease (default 5 s), so that a restarted server resumes
 * in-flight deployments sooner; the heartbeat follows at a quarter of it. Tests use it.
 */
function leaseSettings(env: NodeJS.ProcessEnv): Partial<EngineSettings> | undefined {
  const raw = env.SLIPWAY_LEASE_MS;
  if (raw === undefined || raw === "") return undefined;
  const leaseMs = Number(raw);
  if (!Number.isInteger(leaseMs) || leaseMs < 400) throw badInput(`SLIPWAY_LEASE_MS must be a whole number of milliseconds, at least 400; got "${raw}"`);
  return { leaseMs, heartbeatMs: Math.floor(leaseMs / 4), pollMs: Math.min(200, Math.floor(leaseMs / 4)) };
}

interface ServerOptions {
  db?: string;
  port: string;
  host: string;
  data: string;
  example: boolean;
  triageRules?: string;
}

/** `slipway server`: runs the control plane until SIGINT/SIGTERM. */
export function registerServerCommand(program: Command, ctx: CliContext): void {
  program
    .command("server")
    .description("start the control plane (SQLite under .slipway/ unless --db names PostgreSQL)")
    .option("--db <url>", "database: sqlite:PATH or postgres://…[?schema=NAME]", undefined)
    .option("--port <n>", "API port", "7070")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--data <dir>", "data directory", ".slipway")
    .option("--no-example", "do not register examples/hello on a fresh database")
    .option("--triage-rules <file>", "server-wide extra triage rules (YAML, see docs/triage.md); default: $SLIPWAY_TRIAGE_RULES")
    .action(async (opts: ServerOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput(`--port must be a port number, got "${opts.port}"`);
      const rulesFile = opts.triageRules ?? (ctx.env.SLIPWAY_TRIAGE_RULES || undefined);
      // Checked before anything starts: a bad rules file is bad input, not a half-started server.
      const triageRules = rulesFile ? (await import("../../triage/index.js")).loadRulesFile(rulesFile) : undefined;
      const { startControlPlane } = await controlPlane();
      const { limitsFromEnv } = await import("../../api/index.js");
      const limits = limitsFromEnv(ctx.env);
      const plane = await startControlPlane({ dataDir: opts.data, db: opts.db, port, host: opts.host, registerExample: opts.example, secretSource: ctx.env, settings: leaseSettings(ctx.env), triageRules, limits });
      ctx.out.write(`slipway control plane on ${plane.url} (data: ${opts.data})\n`);
      if (triageRules) ctx.out.write(`triage: ${triageRules.length} server-wide rule(s) from ${rulesFile}\n`);
      if (plane.newAdminToken) {
        ctx.out.write(`admin token (shown once; also in ${opts.data}/admin-token, mode 0600):\n  ${plane.newAdminToken}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      ctx.out.write("stopping (replicas and the router keep serving)\n");
      await plane.close();
    });

  program
    .command("down")
    .description("stop the router daemon and every replica of a data directory (the control plane must be stopped)")
    .option("--data <dir>", "data directory", ".slipway")
    .action(async (opts: { data: string }) => {
      const [{ stopAllReplicas }, { stopRouterDaemon }] = await Promise.all([import("../stop-all.js"), import("../../router/index.js")]);
      const stopped = await stopAllReplicas(opts.data);
      await stopRouterDaemon(opts.data);
      ctx.out.write(`stopped ${stopped} replica(s) and the router\n`);
    });
}
