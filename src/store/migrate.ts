import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { failed } from "../core/index.js";
import type { Database } from "./schema.js";
import * as m001 from "./migrations/001-initial.js";

type Dialect = "sqlite" | "postgres";

/** Numbered migrations, in order. Add new ones at the end; never edit a released one. */
const MIGRATIONS: Record<string, (db: Kysely<unknown>, dialect: Dialect) => Promise<void>> = {
  "001-initial": m001.up,
};

function providerFor(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, up] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => up(db, dialect) };
      return out;
    },
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: providerFor(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failedOne = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw failed(`database migration ${failedOne} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
      hint: "check that the database is reachable and that its user may create tables",
    });
  }
}
