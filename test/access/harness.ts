/**
 * An in-process API for access tests: a real buildApi over a real store (SQLite or PostgreSQL),
 * an Engine that is built but never started, an in-process router, a clock the test moves, and
 * every line the server logs kept in memory (to prove no secret reaches the logs).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import pino from "pino";
import { buildApi, createToken, type ApiLimits, type Grant, type Role } from "../../src/api/index.js";
import { newId, systemClock, type Clock } from "../../src/core/index.js";
import { createDriverSet } from "../../src/drivers/index.js";
import { Engine } from "../../src/engine/index.js";
import { startRouter } from "../../src/router/index.js";
import type { Store } from "../../src/store/index.js";
import type { RuleSpec } from "../../src/triage/index.js";
import { freshStore, type TestDialect } from "../../src/store/testing.js";

/** A clock the test moves by hand (expiry, last-used) instead of sleeping. */
export class ManualClock implements Clock {
  constructor(public at = Date.UTC(2026, 0, 5, 10, 0, 0)) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

export interface AccessHarness {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  dataDir: string;
  /** Every log line the server wrote. */
  logs: string[];
  /** Creates a token directly in the store and returns its secret. */
  token(name: string, role: Role, scope?: { service?: string; environment?: string; grants?: Grant[] }): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(dialect: TestDialect, options: { triageRules?: readonly RuleSpec[]; secretSource?: Record<string, string>; limits?: Partial<ApiLimits> } = {}): Promise<AccessHarness> {
  const db = await freshStore(dialect);
  const dataDir = await mkdtemp(join(tmpdir(), "slipway-access-"));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const log = pino({ level: "trace" }, sink);
  const router = await startRouter();
  const clock = new ManualClock();
  const engine = new Engine({ store: db.store, drivers: createDriverSet({ dataDir, host: "127.0.0.1" }), router: router.control, dataDir, log, clock, secretSource: options.secretSource });
  const app = await buildApi({ engine, store: db.store, router: router.control, dataDir, clock, log, triageRules: options.triageRules, limits: options.limits });
  return {
    app,
    store: db.store,
    clock,
    dataDir,
    logs,
    token: async (name, role, scope = {}) =>
      (await createToken(db.store, clock, { name, role, service: scope.service, environment: scope.environment, grants: scope.grants })).token,
    close: async () => {
      await app.close();
      await router.close(0);
      await db.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inserts a finished deployment row (enough for routes that look a deployment up by id). */
export async function insertDeployment(store: Store, service: string, environment: string, at: number): Promise<string> {
  const id = newId();
  await store.db
    .insertInto("deployments")
    .values({
      id,
      service,
      environment,
      kind: "deploy",
      artifact_id: newId(),
      version: "1.0.0",
      digest: `sha256:${"0".repeat(64)}`,
      state: "succeeded",
      strategy: "rolling",
      actor: "test",
      reason: null,
      previous_version: null,
      previous_digest: null,
      env_config_json: "{}",
      error: null,
      error_hint: null,
      cancel_requested: 0,
      lease_owner: null,
      lease_until: null,
    lease_token: null,
      created_at: at,
      updated_at: at,
      started_at: at,
      finished_at: at,
    })
    .execute();
  return id;
}

/** Every string value of every column of every table, with where it was found. */
export async function dumpTextValues(store: Store): Promise<{ where: string; value: string }[]> {
  const out: { where: string; value: string }[] = [];
  const current = store.dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema : undefined;
  const tables = (await store.db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => current === undefined || t.schema === current);
  if (tables.length === 0) throw new Error("introspection found no tables");
  for (const table of tables) {
    const rows = (await store.db.selectFrom(table.name as "tokens").selectAll().execute()) as unknown as Record<string, unknown>[];
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === "string") out.push({ where: `${table.name}.${column}`, value });
        else if (Buffer.isBuffer(value)) out.push({ where: `${table.name}.${column}`, value: value.toString("utf8") });
      }
    }
  }
  return out;
}
