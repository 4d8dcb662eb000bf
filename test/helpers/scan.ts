/** Looking everywhere a secret could have ended up: files under a directory, every table of the database. */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import type { Store } from "../../src/store/index.js";

export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

/** Every row of every table, as text. */
export async function dumpDatabase(store: Store): Promise<string> {
  const tables =
    store.dialect === "sqlite"
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(store.db)).rows.map((r) => r.name);
  assert.ok(tables.includes("deployments") && tables.includes("audit_events") && tables.includes("steps"), `tables: ${tables.join(", ")}`);
  let text = "";
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db)).rows;
    text += `${table}: ${JSON.stringify(rows)}\n`;
  }
  return text;
}
