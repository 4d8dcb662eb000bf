import { chmod, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { buildApi, createToken } from "../api/index.js";
import { systemClock, type Clock } from "../core/index.js";
import { createDriverSet } from "../drivers/index.js";
import { Engine, type EngineSettings } from "../engine/index.js";
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
  const store = await openStore(options.db ?? `sqlite:${join(dataDir, "slipway.db")}`);
  const router = await ensureRouterDaemon({ dataDir, host: options.host });
  const drivers = createDriverSet({ dataDir, host: options.host });
  const engine = new Engine({ store, drivers, router, dataDir, log, clock, secretSource: options.secretSource ?? {}, settings: { host: options.host, ...options.settings } });
  try {
    await engine.join();
  } catch (err) {
    await store.close();
    throw err;
  }
  const newAdminToken = await ensureAdminToken(store, dataDir, clock);
  if (options.registerExample) await registerExampleService(engine, log);
  const app = await buildApi({ engine, store, router, dataDir, clock, log, triageRules: options.triageRules, webDir: join(PACKAGE_ROOT, "dist", "web") });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  await engine.start(url);
  return {
    url,
    app,
    engine,
    store,
    newAdminToken,
    close: async () => {
      await app.close();
      await engine.stop();
      await store.close();
    },
  };
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
