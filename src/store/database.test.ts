import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openStore } from "./database.js";
import { freshStore, TEST_DIALECTS, TEST_PG_URL } from "./testing.js";

for (const dialect of TEST_DIALECTS) {
  describe(`store on ${dialect}`, () => {
    test("migrates a fresh database and round-trips ms timestamps as numbers", async () => {
      const t = await freshStore(dialect);
      try {
        const at = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
        await t.store.db
          .insertInto("services")
          .values({ name: "hello", owner: "team", config_json: "{}", config_yaml: "", created_at: at, updated_at: at })
          .execute();
        const row = await t.store.db.selectFrom("services").selectAll().where("name", "=", "hello").executeTakeFirstOrThrow();
        assert.equal(row.created_at, at);
        assert.equal(typeof row.created_at, "number");
        const head = await t.store.db.selectFrom("audit_head").selectAll().executeTakeFirstOrThrow();
        assert.equal(head.last_seq, 0);
      } finally {
        await t.cleanup();
      }
    });
  });
}

describe("PostgreSQL URL with ?schema=NAME", () => {
  test("opens (and creates) that schema, so a server's --db URL can name one", async () => {
    const t = await freshStore("postgres");
    try {
      const url = new URL(TEST_PG_URL);
      url.searchParams.set("schema", t.schema!);
      const store = await openStore(url.toString());
      try {
        const at = Date.UTC(2026, 0, 1);
        await store.db.insertInto("services").values({ name: "via-url", owner: "team", config_json: "{}", config_yaml: "", created_at: at, updated_at: at }).execute();
      } finally {
        await store.close();
      }
      // The row landed in the test's own schema, which t.store reads.
      const row = await t.store.db.selectFrom("services").select("name").where("name", "=", "via-url").executeTakeFirst();
      assert.equal(row?.name, "via-url");
      await assert.rejects(openStore(url.toString(), { schema: "another" }), /names schema/);
    } finally {
      await t.cleanup();
    }
  });
});
