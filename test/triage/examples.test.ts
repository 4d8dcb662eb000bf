import assert from "node:assert/strict";
import { test } from "node:test";
import { freshStore, TEST_DIALECTS } from "../../src/store/testing.js";
import { confirmRun, triageRun } from "../../src/triage/service.js";
import { examplesFor, saveExample } from "../../src/triage/store.js";

const log = ["$ npm ci", "added 311 packages", "$ npm test", "  1) cart totals", "     AssertionError: expected 3 to equal 4", "  1 failing", "npm ERR! Test failed.", "The command \"npm test\" exited with 1."].join("\n");

for (const dialect of TEST_DIALECTS) {
  test(`confirm with the log records the lines around the chunk for few-shot (${dialect})`, async () => {
    const db = await freshStore(dialect);
    try {
      const now = Date.UTC(2026, 0, 6, 9);
      await triageRun(db.store, { log, pipeline: "shop-ci", run: "r1", now });
      await confirmRun(db.store, { run: "r1", lines: "4-6", log, now: now + 1 });
      // An example confirmed from the recorded evidence alone (no log): its lines only.
      await saveExample(db.store, { pipeline: "shop-ci", run: "r0", ranges: [{ start: 5, end: 5 }], lines: ["boom"], now: now - 1 });
      const [withLog, old] = await examplesFor(db.store, "shop-ci");
      assert.deepEqual(withLog, {
        lines: ["  1) cart totals", "     AssertionError: expected 3 to equal 4", "  1 failing"],
        before: ["$ npm ci", "added 311 packages", "$ npm test"],
        after: ["npm ERR! Test failed.", "The command \"npm test\" exited with 1."],
        linesAfter: 2,
      });
      assert.deepEqual(old, { lines: ["boom"] });
      const again = await triageRun(db.store, { log: log.replace("3 to equal 4", "5 to equal 6"), pipeline: "shop-ci", run: "r2", now: now + 2 });
      assert.deepEqual(again.ranges, [{ start: 4, end: 6 }]);
    } finally {
      await db.cleanup();
    }
  });
}
