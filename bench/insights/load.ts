/**
 * Bulk loading the synthetic history. SQLite: prepared inserts inside one transaction per batch
 * (better-sqlite3, the same file the store opens). PostgreSQL: one `insert … select from unnest(
 * arrays)` per batch of rows, so a batch is one statement and one round trip.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { TABLES, type Row, type TableName } from "./generate.js";

export interface BulkLoader {
  add(table: TableName, row: Row): void;
  /** Waits until what was sent is written. */
  drain(): Promise<void>;
  /** Writes what is buffered and closes the connection. */
  finish(): Promise<void>;
}

const BATCH = 20_000;
const q = (c: string) => `"${c}"`;

export function sqliteLoader(file: string): BulkLoader {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const statements = new Map<TableName, Database.Statement>();
  const buffers = new Map<TableName, Row[]>();
  const flush = (table: TableName) => {
    const rows = buffers.get(table) ?? [];
    if (rows.length === 0) return;
    let stmt = statements.get(table);
    if (!stmt) {
      const t = TABLES[table];
      stmt = db.prepare(`insert into ${t.name} (${t.columns.map(q).join(", ")}) values (${t.columns.map(() => "?").join(", ")})`);
      statements.set(table, stmt);
    }
    const s = stmt;
    db.transaction((batch: Row[]) => {
      for (const r of batch) s.run(...r);
    })(rows);
    buffers.set(table, []);
  };
  return {
    add(table, row) {
      const rows = buffers.get(table) ?? [];
      rows.push(row);
      buffers.set(table, rows);
      if (rows.length >= BATCH) flush(table);
    },
    async drain() {},
    async finish() {
      for (const table of Object.keys(TABLES) as TableName[]) flush(table);
      db.close();
    },
  };
}

export async function postgresLoader(url: string, schema: string): Promise<BulkLoader> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const buffers = new Map<TableName, Row[]>();
  let pending: Promise<unknown> = Promise.resolve();
  const flush = (table: TableName) => {
    const rows = buffers.get(table) ?? [];
    if (rows.length === 0) return;
    buffers.set(table, []);
    const t = TABLES[table];
    const arrays = t.columns.map((_, i) => rows.map((r) => r[i]));
    const text = `insert into ${t.name} (${t.columns.map(q).join(", ")}) select * from unnest(${t.types.map((ty, i) => `$${i + 1}::${ty}[]`).join(", ")})`;
    pending = pending.then(() => client.query(text, arrays));
  };
  return {
    add(table, row) {
      const rows = buffers.get(table) ?? [];
      rows.push(row);
      buffers.set(table, rows);
      if (rows.length >= BATCH) flush(table);
    },
    async drain() {
      await pending;
    },
    async finish() {
      for (const table of Object.keys(TABLES) as TableName[]) flush(table);
      await pending;
      await client.query("analyze");
      await client.end();
    },
  };
}
