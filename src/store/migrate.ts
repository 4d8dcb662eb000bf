import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { failed } from "../core/index.js";
import type { Database } from "./schema.js";
import * as m001 from "./migrations/001-initial.js";
import * as m002 from "./migrations/002-triage.js";
import * as m003 from "./migrations/003-token-grants.js";
import * as m004 from "./migrations/004-governance.js";
import * as m005 from "./migrations/005-triage-example-context.js";
import * as m006 from "./migrations/006-replica-placement.js";
import * as m007 from "./migrations/007-supply-chain.js";
import * as m008 from "./migrations/008-insights.js";
import * as m009 from "./migrations/009-dashboard-indexes.js";
import * as m011 from "./migrations/011-notifications.js";
import * as m014 from "./migrations/014-replica-target.js";
import * as m016 from "./migrations/016-restore-state.js";
import * as m017 from "./migrations/017-cluster.js";
import * as m018 from "./migrations/018-lease-token.js";

type Dialect = "sqlite" | "postgres";

/** Numbered migrations, in order. Add new ones at the end; never edit a released one. */
const MIGRATIONS: Record<string, (db: Kysely<unknown>, dialect: Dialect) => Promise<void>> = {
  "001-initial": m001.up,
  "002-triage": m002.up,
  "003-token-grants": m003.up,
  "004-governance": m004.up,
  "005-triage-example-context": m005.up,
  "006-replica-placement": m006.up,
  "007-supply-chain": m007.up,
  "008-insights": m008.up,
  "009-dashboard-indexes": m009.up,
  "011-notifications": m011.up,
  "014-replica-target": m014.up,
  "016-restore-state": m016.up,
  "017-cluster": m017.up,
  "018-lease-token": m018.up,
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

/**
 * Brings the schema up to date. On PostgreSQL the migration tables' schema is named explicitly:
 * Kysely looks for them across every schema otherwise, and would skip creating its own when
 * another schema of the same database (another control plane, a test run) already has them.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrationTableSchema =
    dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  // Migrations are independent additions, numbered by the change that made them; one that lands
  // after a higher-numbered one must still run on a database that already has the latter.
  const migrator = new Migrator({ db, provider: providerFor(dialect), allowUnorderedMigrations: true, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failedOne = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw failed(`database migration ${failedOne} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
      hint: "check that the database is reachable and that its user may create tables",
    });
  }
}
