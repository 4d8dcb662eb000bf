/**
 * The end-to-end fixture: a temp data directory, a database (SQLite file or a fresh PostgreSQL
 * schema), a control plane started in this process, hello artifacts built into temp dirs, and
 * a cleanup that always stops what the control plane left running (replicas and the router
 * daemon outlive it on purpose).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import YAML from "yaml";
import { startControlPlane, PACKAGE_ROOT, type ControlPlane } from "../../src/cli/control-plane.js";
import { stopAllReplicas } from "../../src/cli/stop-all.js";
import { newId, type Clock } from "../../src/core/index.js";
import type { EngineSettings } from "../../src/engine/index.js";
import { stopRouterDaemon } from "../../src/router/index.js";
import { dropSchema, TEST_PG_URL, type TestDialect } from "../../src/store/testing.js";
import { packDirectory } from "../../src/supply/index.js";
import { Api } from "./http.js";

export { PACKAGE_ROOT };

/** Engine settings that make resumption after a lost lease quick. */
export const FAST_SETTINGS: Partial<EngineSettings> = { leaseMs: 1500, heartbeatMs: 300, pollMs: 100, drainTimeoutMs: 5_000 };

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `slipway-${prefix}-`));
}

/** A database for one test: its URL (PostgreSQL: with ?schema=) and how to remove it. */
export interface TestDatabase {
  dialect: TestDialect;
  url: string;
  drop(): Promise<void>;
}

export async function testDatabase(dialect: TestDialect, dataDir: string): Promise<TestDatabase> {
  if (dialect === "sqlite") return { dialect, url: `sqlite:${join(dataDir, "slipway.db")}`, drop: async () => undefined };
  const schema = `e2e_${newId().toLowerCase()}`;
  const url = new URL(TEST_PG_URL);
  url.searchParams.set("schema", schema);
  return {
    dialect,
    url: url.toString(),
    drop: () => dropSchema(schema),
  };
}

/** Stops every replica and the router daemon of a data directory; never throws. */
export async function stopEverything(dataDir: string): Promise<void> {
  await stopAllReplicas(dataDir).catch((err: unknown) => console.error(`stopAllReplicas(${dataDir}):`, err));
  await stopRouterDaemon(dataDir).catch((err: unknown) => console.error(`stopRouterDaemon(${dataDir}):`, err));
}

export interface PlaneFixture {
  dataDir: string;
  db: TestDatabase;
  plane: ControlPlane;
  api: Api;
  /** Where built artifacts and scratch files go (outside the data directory). */
  workDir: string;
  /** Builds examples/hello with this build.json into a temp dir and pushes it; returns the digest. */
  pushHello(service: string, version: string, build?: HelloBuild, meta?: ArtifactMeta): Promise<string>;
  cleanup(): Promise<void>;
}

export interface PlaneOptions {
  secretSource?: Record<string, string | undefined>;
  settings?: Partial<EngineSettings>;
  /** The control plane's clock (e.g. an OffsetClock the test moves); default: the system clock. */
  clock?: Clock;
  /** Runs on the new database before the control plane starts (e.g. bulk-loads a fleet). */
  prepareDatabase?: (url: string) => Promise<void>;
}

/** Starts a control plane in this process on a fresh data dir and database. Call cleanup() in after(). */
export async function startPlane(dialect: TestDialect, options: PlaneOptions = {}): Promise<PlaneFixture> {
  const dataDir = await tempDir("data");
  const workDir = await tempDir("work");
  const db = await testDatabase(dialect, dataDir);
  // The server's own log goes to a file in the data dir (kept out of the test output, and
  // scanned by the secret test like every other file there).
  const log = pino({ level: process.env.SLIPWAY_LOG_LEVEL ?? "info" }, pino.destination({ dest: join(dataDir, "server.log"), sync: true }));
  let plane: ControlPlane | undefined;
  const cleanup = async () => {
    if (plane) await plane.close().catch((err: unknown) => console.error("closing the control plane:", err));
    await stopEverything(dataDir);
    await db.drop().catch((err: unknown) => console.error("dropping the test schema:", err));
    if (!process.env.SLIPWAY_KEEP_TEST_DATA) {
      await rm(dataDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    } else console.error(`kept ${dataDir} and ${workDir}`);
  };
  try {
    await options.prepareDatabase?.(db.url);
    plane = await startControlPlane({
      dataDir,
      db: db.url,
      port: 0,
      host: "127.0.0.1",
      log,
      secretSource: options.secretSource ?? {},
      settings: { ...FAST_SETTINGS, ...options.settings },
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  const api = new Api(plane.url, plane.newAdminToken!);
  return {
    dataDir,
    db,
    plane,
    api,
    workDir,
    pushHello: (service, version, build, meta) => pushHello(api, workDir, service, version, build, meta),
    cleanup,
  };
}

/** How a hello build behaves: its build.json, or a replacement server.js (a broken build). */
export interface HelloBuild {
  failRate?: number;
  /** The build answers /healthz with 503 for this long after it starts. */
  readyAfterMs?: number;
  serverJs?: string;
}

/** Copies examples/hello/app to a temp dir with the given build.json (and server.js); returns the dir. */
export async function buildHello(workDir: string, version: string, build: HelloBuild = {}): Promise<string> {
  const dir = await mkdtemp(join(workDir, `hello-${version}-`));
  await cp(join(PACKAGE_ROOT, "examples", "hello", "app"), dir, { recursive: true });
  await writeFile(join(dir, "build.json"), JSON.stringify({ version, failRate: build.failRate ?? 0, ...(build.readyAfterMs ? { readyAfterMs: build.readyAfterMs } : {}) }) + "\n");
  if (build.serverJs !== undefined) await writeFile(join(dir, "server.js"), build.serverJs);
  return dir;
}

/** Packs a directory into a .tgz the way the CLI does. */
export async function packToBuffer(dir: string, workDir: string): Promise<Buffer> {
  const file = join(workDir, `${newId()}.tgz`);
  await packDirectory(dir, file);
  try {
    return await readFile(file);
  } finally {
    await rm(file, { force: true });
  }
}

/** Provenance pushed with an artifact (what `artifact push --commit/--author` sends). */
export interface ArtifactMeta {
  commit?: string;
  author?: string;
}

export async function pushHello(api: Api, workDir: string, service: string, version: string, build: HelloBuild = {}, meta: ArtifactMeta = {}): Promise<string> {
  const dir = await buildHello(workDir, version, build);
  const tgz = await packToBuffer(dir, workDir);
  const query = new URLSearchParams(Object.entries(meta).filter((e): e is [string, string] => typeof e[1] === "string")).toString();
  const { artifact } = await api.ok<{ artifact: { digest: string } }>("PUT", `/artifacts/${service}/${encodeURIComponent(version)}${query ? `?${query}` : ""}`, tgz);
  return artifact.digest;
}

/** An environment of a test service (slipway.yaml `environments.NAME`), as plain data. */
export type EnvironmentSpec = Record<string, unknown>;

/**
 * A slipway.yaml for a hello service: quick readiness and shutdown, the given environments,
 * and optional per-environment config. Built as data and stringified (no indentation slips).
 */
export function helloYaml(
  service: string,
  environments: Record<string, EnvironmentSpec>,
  options: { config?: Record<string, Record<string, unknown>>; readinessTimeout?: string } = {},
): string {
  const { config } = options;
  return YAML.stringify({
    service,
    owner: "team-e2e",
    run: {
      command: "node server.js",
      port_env: "PORT",
      readiness: { http: "/healthz", interval: "100ms", timeout: options.readinessTimeout ?? "10s" },
      shutdown: { signal: "SIGTERM", grace: "3s" },
    },
    environments,
    ...(config ? { config } : {}),
  });
}

/** A canary strategy with router analysis on the error rate (short pauses for tests). */
export function canaryEnv(options: { replicas?: number; steps?: { weight: number; pause?: string }[]; minRequests?: number; onInconclusive?: "fail" | "pass"; maxErrorRate?: number } = {}): EnvironmentSpec {
  return {
    target: { driver: "process", replicas: options.replicas ?? 1 },
    strategy: { type: "canary", steps: options.steps ?? [{ weight: 50, pause: "3s" }, { weight: 100 }] },
    verify: {
      analysis: {
        interval: "500ms",
        min_requests: options.minRequests ?? 20,
        on_inconclusive: options.onInconclusive ?? "fail",
        metrics: [{ name: "error-rate", max: options.maxErrorRate ?? 0.05 }],
      },
    },
  };
}
