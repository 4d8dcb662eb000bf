import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { newId } from "../core/index.js";
import { openStore, type Store } from "./database.js";

/** The PostgreSQL server tests use: SLIPWAY_TEST_PG, default the local trust-auth `test` database. */
export const TEST_PG_URL = process.env.SLIPWAY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export type TestDialect = "sqlite" | "postgres";
export const TEST_DIALECTS: readonly TestDialect[] = ["sqlite", "postgres"];

/** A fresh, migrated store: a new SQLite file in a temp dir, or a new PostgreSQL schema. */
export interface TestStore {
  store: Store;
  /** URL that opens the same database (for starting a server on it). */
  url: string;
  /** PostgreSQL schema name, when dialect is postgres. */
  schema?: string;
  cleanup(): Promise<void>;
}

export async function freshStore(dialect: TestDialect): Promise<TestStore> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "slipway-db-"));
    const url = `sqlite:${join(dir, "slipway.db")}`;
    const store = await openStore(url);
    return {
      store,
      url,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${newId().toLowerCase()}`;
  const store = await openStore(TEST_PG_URL, { schema });
  return {
    store,
    url: TEST_PG_URL,
    schema,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
