import { existsSync } from "node:fs";
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

/** Commander's accumulator for a repeatable option. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface ServerOptions {
  db?: string;
  port: string;
  host: string;
  data: string;
  example: boolean;
  triageRules?: string;
  notifications?: string;
  publicUrl?: string;
  metricsPublic?: boolean;
  runUser: string[];
  hide: string[];
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
    .option("--notifications <file>", "server-wide notification routes (YAML, see docs/notifications.md); default: $SLIPWAY_NOTIFICATIONS")
    .option("--public-url <url>", "the URL people reach this server at, for links in notifications; default: $SLIPWAY_PUBLIC_URL or the API address")
    .option("--metrics-public", "serve GET /metrics without a token (default: a viewer token; also $SLIPWAY_METRICS_PUBLIC=1)")
    .option("--run-user <service=user>", "allow a service's run.user (repeatable; also $SLIPWAY_RUN_USERS, comma-separated); only used when running as root", collect, [])
    .option("--hide <dir>", "another directory replicas must not see, e.g. where file: secrets live (repeatable; the data directory always is)", collect, [])
    .action(async (opts: ServerOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput(`--port must be a port number, got "${opts.port}"`);
      const rulesFile = opts.triageRules ?? (ctx.env.SLIPWAY_TRIAGE_RULES || undefined);
      // Checked before anything starts: a bad rules file is bad input, not a half-started server.
      const triageRules = rulesFile ? (await import("../../triage/index.js")).loadRulesFile(rulesFile) : undefined;
      const notify = await import("../../notify/index.js");
      const notificationsFile = opts.notifications ?? (ctx.env.SLIPWAY_NOTIFICATIONS || undefined);
      const serverRoutes = notificationsFile ? notify.loadNotificationsFile(notificationsFile) : undefined;
      const publicUrl = opts.publicUrl ?? (ctx.env.SLIPWAY_PUBLIC_URL || undefined);
      const notifications = { ...(serverRoutes ? { serverRoutes } : {}), ...(publicUrl ? { publicUrl } : {}), settings: notify.deliverySettingsFromEnv(ctx.env) };
      const metricsPublic = opts.metricsPublic === true || ctx.env.SLIPWAY_METRICS_PUBLIC === "1";
      const { parseRunUsers } = await import("../../drivers/index.js");
      const runUsers = parseRunUsers([...(ctx.env.SLIPWAY_RUN_USERS ? [ctx.env.SLIPWAY_RUN_USERS] : []), ...opts.runUser]);
      for (const dir of opts.hide) {
        if (!existsSync(dir)) throw badInput(`--hide ${dir}: no such directory`, { hint: "name a directory that exists; replicas see an empty one in its place" });
      }
      const { startControlPlane } = await controlPlane();
      const { limitsFromEnv } = await import("../../api/index.js");
      const limits = limitsFromEnv(ctx.env);
      const plane = await startControlPlane({ dataDir: opts.data, db: opts.db, port, host: opts.host, registerExample: opts.example, secretSource: ctx.env, settings: leaseSettings(ctx.env), triageRules, runUsers, hidden: opts.hide, notifications, metricsPublic, limits });
      ctx.out.write(`slipway control plane on ${plane.url} (data: ${opts.data})\n`);
      if (triageRules) ctx.out.write(`triage: ${triageRules.length} server-wide rule(s) from ${rulesFile}\n`);
      if (serverRoutes) ctx.out.write(`notifications: ${serverRoutes.routes.length} server-wide route(s) from ${notificationsFile}\n`);
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
