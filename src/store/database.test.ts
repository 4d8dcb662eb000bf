import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { freshStore, TEST_DIALECTS } from "./testing.js";

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
