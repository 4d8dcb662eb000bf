import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { badInput } from "../core/index.js";
import { InProcessAuditSignal, PostgresAuditSignal, type AuditSignal } from "./audit-signal.js";
import type { Database } from "./schema.js";
import { migrateToLatest } from "./migrate.js";

export type Dialect = "sqlite" | "postgres";

/** An open database: the Kysely handle, which engine it is, and how to close it. Owns the connection(s). */
export class Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** Tells followers of the audit log that events were appended (see audit-signal.ts). */
    readonly auditSignal: AuditSignal,
  ) {}

  async close(): Promise<void> {
    await this.auditSignal.close();
    await this.db.destroy();
  }
}

export interface OpenStoreOptions {
  /** PostgreSQL only: the schema to use (created if missing). Tests use one per test. */
  schema?: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

/**
 * Opens `sqlite:PATH` (or `sqlite::memory:`) or `postgres://…` and brings the schema up to date.
 * A PostgreSQL URL may name the schema to use with `?schema=NAME` (created if missing), so
 * several control planes (or test runs) can share one database.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const store = url.startsWith("postgres://") || url.startsWith("postgresql://")
    ? await openPostgres(...withSchema(url, options.schema))
    : openSqlite(url);
  if (options.migrate !== false) await migrateToLatest(store.db, store.dialect);
  return store;
}

function openSqlite(url: string): Store {
  if (!url.startsWith("sqlite:")) {
    throw badInput(`unsupported database URL "${url}"`, {
      hint: "use sqlite:PATH (e.g. sqlite:.slipway/slipway.db) or postgres://HOST:PORT/DB",
    });
  }
  const path = url.slice("sqlite:".length);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const connection = new SQLite(path);
  connection.pragma("journal_mode = WAL");
  if (path !== ":memory:") keepPrivate(path);
  connection.pragma("busy_timeout = 5000");
  connection.pragma("foreign_keys = ON");
  connection.pragma("synchronous = NORMAL");
  const signal = new InProcessAuditSignal();
  return new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }), plugins: [signal] }), "sqlite", signal);
}

/**
 * The database holds token hashes, every deployment and the audit log: only its owner reads
 * it. SQLite gives the -wal and -shm files the database file's mode, but files left by an
 * older version (or another umask) are tightened here too.
 */
function keepPrivate(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}

/** Takes `schema` out of a PostgreSQL URL's query (pg does not know it); an explicit option must agree. */
function withSchema(url: string, schema: string | undefined): [string, string | undefined] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url, schema];
  }
  const fromUrl = parsed.searchParams.get("schema");
  if (fromUrl === null) return [url, schema];
  if (schema !== undefined && schema !== fromUrl) throw badInput(`the database URL names schema "${fromUrl}" but "${schema}" was asked for`);
  parsed.searchParams.delete("schema");
  return [parsed.toString(), fromUrl];
}

/** int8 columns (ms times, counters) arrive as strings from pg by default; they fit a JS number. */
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

async function openPostgres(url: string, schema?: string): Promise<Store> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw badInput(`bad schema name "${schema}"`);
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      await client.end();
    }
  }
  const config = {
    connectionString: url,
    types: pgTypes as pg.CustomTypesConfig,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool({ ...config, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return new Store(db, "postgres", new PostgresAuditSignal(() => new pg.Client(config)));
}
