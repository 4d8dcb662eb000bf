import { sql, type Kysely } from "kysely";

/**
 * Token grants: extra permissions a token carries beside its role, as a JSON array of names
 * (today only "emergency": break-glass overrides of change windows). Additive only; existing
 * tokens get no grants.
 */
export async function up(db: Kysely<unknown>, _dialect: "sqlite" | "postgres"): Promise<void> {
  await db.schema
    .alterTable("tokens")
    .addColumn("grants", "text", (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();
}
