import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { buildApi, createToken, type ApiLimits } from "../api/index.js";
import { systemClock, type Clock, type NotificationsConfig } from "../core/index.js";
import { createDriverSet, detectSandbox, noSandboxReason, type SandboxKind } from "../drivers/index.js";
import { Engine, type EngineSettings } from "../engine/index.js";
import { Notifier, type DeliverySettings } from "../notify/index.js";
import { ensureRouterDaemon } from "../router/index.js";
import { openStore, type Store } from "../store/index.js";
import type { RuleSpec } from "../triage/index.js";

export interface ControlPlaneOptions {
  dataDir: string;
  /** Default: sqlite:<dataDir>/slipway.db */
  db?: string;
  port: number;
  host: string;
  /** Register examples/hello on a fresh database (what `npm start` does). */
  registerExample?: boolean;
  log?: Logger;
  secretSource?: Record<string, string | undefined>;
  settings?: Partial<EngineSettings>;
  /** The engine's and the API's clock (default: the system clock). Tests inject one to move time. */
  clock?: Clock;
  /** Server-wide extra triage rules, already loaded and checked. */
  triageRules?: readonly RuleSpec[];
  /** Notifications: server-wide routes, the URL links in messages use (default: the API's), delivery settings. */
  notifications?: { serverRoutes?: NotificationsConfig; publicUrl?: string; settings?: Partial<DeliverySettings> };
  /** Serve GET /metrics without a token (an opt-in for scrapers on a trusted network). */
  metricsPublic?: boolean;
  /** Users `run.user` may name, by service (`--run-user service=user`); others are refused. */
  runUsers?: Readonly<Record<string, readonly string[]>>;
  /** Directories replicas must not see besides the data directory (`--hide`). */
  hidden?: readonly string[];
  /** What one request may cost (see ApiLimits); default: DEFAULT_API_LIMITS. */
  limits?: Partial<ApiLimits>;
}

export interface ControlPlane {
  url: string;
  app: FastifyInstance;
  engine: Engine;
  store: Store;
  /** Set on the first start only: the admin token, shown once. */
  newAdminToken: string | undefined;
  close(): Promise<void>;
}

/** The directory the package is installed in (works from src/ under tsx and from dist/). */
export const PACKAGE_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/**
 * Starts the whole control plane: store, router daemon, drivers, engine, HTTP API.
 * Replicas and the router daemon outlive it on purpose: a restart does not interrupt traffic.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? pino({ level: process.env.SLIPWAY_LOG_LEVEL ?? "info" });
  const clock = options.clock ?? systemClock;
  const isolation = { sandbox: detectSandbox(), separateUsers: process.getuid?.() === 0 };
  // Without a sandbox, replicas of their own users reach their workdirs through the data directory.
  await privateDataDir(dataDir, isolation.separateUsers && isolation.sandbox === "none" ? 0o711 : 0o700);
  logIsolation(log, isolation);
  const store = await openStore(options.db ?? `sqlite:${join(dataDir, "slipway.db")}`);
  const router = await ensureRouterDaemon({ dataDir, host: options.host });
  const drivers = createDriverSet({ dataDir, host: options.host, runUsers: options.runUsers ?? {}, hidden: options.hidden ?? [] });
  const engine = new Engine({ store, drivers, router, dataDir, log, clock, secretSource: options.secretSource ?? {}, settings: { host: options.host, ...options.settings } });
  try {
    await engine.join();
  } catch (err) {
    await store.close();
    throw err;
  }
  const newAdminToken = await ensureAdminToken(store, dataDir, clock);
  if (options.registerExample) await registerExampleService(engine, log);
  const app = await buildApi({ engine, store, router, dataDir, clock, log, triageRules: options.triageRules, metricsPublic: options.metricsPublic ?? false, limits: options.limits, webDir: join(PACKAGE_ROOT, "dist", "web") });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  await engine.start(url);
  const n = options.notifications ?? {};
  const notifier = new Notifier({ store, log, clock, instanceId: engine.ctx.instanceId, secretSource: options.secretSource ?? {}, publicUrl: n.publicUrl ?? url, ...(n.serverRoutes ? { serverRoutes: n.serverRoutes } : {}), ...(n.settings ? { settings: n.settings } : {}) });
  notifier.start();
  return {
    url,
    app,
    engine,
    store,
    newAdminToken,
    close: async () => {
      await notifier.stop();
      await app.close();
      await engine.stop();
      await drivers.close();
      await store.close();
    },
  };
}

/**
 * Everything the control plane writes is its own: a umask for every file it and its children
 * (router, shims) create, and a data directory only its owner can enter, also when an older
 * version created it open.
 */
async function privateDataDir(dataDir: string, mode: number): Promise<void> {
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode });
  await chmod(dataDir, mode);
}

/** Says once, at start, how deployed code is confined, and loudly when it is not. */
function logIsolation(log: Logger, { sandbox, separateUsers }: { sandbox: SandboxKind; separateUsers: boolean }): void {
  log.info({ sandbox, separateUsers }, `replicas run ${separateUsers ? "as their service's own user" : "as the control plane's user"}, ${sandbox === "none" ? "without a sandbox" : `in a ${sandbox} sandbox that hides the data directory`}`);
  if (sandbox === "none") {
    log.warn(
      { reason: noSandboxReason() },
      separateUsers
        ? "no sandbox for replicas: they are kept out of the data directory by users and permissions only (install bubblewrap for namespaces; see docs/security.md)"
        : "no sandbox for replicas and no user of their own: deployed code can read everything the control plane's user can, the admin token included; install bubblewrap or run as root (see docs/security.md)",
    );
  }
}

/** On a database with no token, creates the admin token and writes it to <data>/admin-token (mode 0600). */
async function ensureAdminToken(store: Store, dataDir: string, clock: Clock): Promise<string | undefined> {
  const any = await store.db.selectFrom("tokens").select("id").limit(1).executeTakeFirst();
  if (any) return undefined;
  const { token } = await createToken(store, clock, { name: "admin", role: "admin" });
  const file = join(dataDir, "admin-token");
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

async function registerExampleService(engine: Engine, log: Logger): Promise<void> {
  const services = await engine.ctx.store.db.selectFrom("services").select("name").limit(1).execute();
  if (services.length > 0) return;
  const file = join(PACKAGE_ROOT, "examples", "hello", "slipway.yaml");
  const yamlText = await readFile(file, "utf8");
  await engine.apply(yamlText, file, "slipway");
  log.info({ file }, "registered the example service hello");
}
