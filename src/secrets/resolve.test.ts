import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isSlipwayError } from "../core/errors.js";
import { resolveConfig } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-secrets-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveConfig", () => {
  test("passes plain values and resolves env: and file: references", () => {
    const file = join(dir, "token");
    writeFileSync(file, "file-secret-value\n");
    const resolved = resolveConfig(
      { LOG_LEVEL: "info", DB_URL: { secret: "env:CHECKOUT_DB_URL" }, TOKEN: { secret: `file:${file}` } },
      { CHECKOUT_DB_URL: "postgres://u:p@db/checkout" },
    );
    assert.deepEqual(resolved, {
      env: { LOG_LEVEL: "info" },
      secrets: { DB_URL: "postgres://u:p@db/checkout", TOKEN: "file-secret-value" },
    });
  });

  test("a missing variable names the key and the reference, and says what to export", () => {
    assert.throws(
      () => resolveConfig({ DB_URL: { secret: "env:CHECKOUT_DB_URL" } }, {}),
      (err: unknown) => {
        assert.ok(isSlipwayError(err));
        assert.equal(err.code, "bad_input");
        assert.match(err.message, /DB_URL/);
        assert.match(err.message, /env:CHECKOUT_DB_URL/);
        assert.equal(err.hint, "export CHECKOUT_DB_URL before starting slipway server");
        return true;
      },
    );
  });

  test("a missing file says to create it", () => {
    const missing = join(dir, "nope");
    assert.throws(
      () => resolveConfig({ TOKEN: { secret: `file:${missing}` } }, {}),
      (err: unknown) => isSlipwayError(err) && err.code === "bad_input" && /TOKEN/.test(err.message) && /create the file/.test(err.hint ?? ""),
    );
  });

  test("defaults to process.env", () => {
    process.env.SLIPWAY_TEST_SECRET_SOURCE = "from-process-env";
    try {
      assert.equal(resolveConfig({ X: { secret: "env:SLIPWAY_TEST_SECRET_SOURCE" } }).secrets.X, "from-process-env");
    } finally {
      delete process.env.SLIPWAY_TEST_SECRET_SOURCE;
    }
  });
});
