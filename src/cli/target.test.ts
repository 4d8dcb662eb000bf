import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isSlipwayError } from "../core/index.js";
import { apiRequest } from "./api-client.js";
import { resolveTarget } from "./target.js";

const project = mkdtempSync(join(tmpdir(), "slipway-target-"));
const deep = join(project, "services", "checkout", "src");
mkdirSync(deep, { recursive: true });
mkdirSync(join(project, ".slipway"), { mode: 0o700 });
writeFileSync(join(project, ".slipway", "admin-token"), "slw_project_token\n", { mode: 0o600 });
const elsewhere = mkdtempSync(join(tmpdir(), "slipway-target-none-"));
after(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

describe("the CLI's token", () => {
  test("is found from any directory below the data directory's parent", () => {
    for (const cwd of [project, join(project, "services"), deep]) {
      assert.equal(resolveTarget({}, {}, cwd).token, "slw_project_token", cwd);
    }
  });

  test("--token and SLIPWAY_TOKEN come first; --data / SLIPWAY_DATA name the directory to read", () => {
    assert.equal(resolveTarget({ token: "flag" }, { SLIPWAY_TOKEN: "env" }, deep).token, "flag");
    assert.equal(resolveTarget({}, { SLIPWAY_TOKEN: "env" }, deep).token, "env");
    assert.equal(resolveTarget({}, { SLIPWAY_DATA: join(project, ".slipway") }, elsewhere).token, "slw_project_token");
  });

  test("when none is found, a 401 says where the CLI looked", async () => {
    const target = resolveTarget({}, {}, elsewhere);
    assert.equal(target.token, undefined);
    // A stand-in server that answers every request as the real one answers a missing token.
    const server = createServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "unauthorized", message: "missing bearer token" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await assert.rejects(apiRequest({ ...target, server: `http://127.0.0.1:${port}` }, "GET", "/status"), (err) => {
        assert.ok(isSlipwayError(err));
        assert.match(err.message, new RegExp(`looked for \\.slipway/admin-token in ${elsewhere} and every parent`));
        assert.match(err.hint ?? "", /--token|SLIPWAY_TOKEN/);
        return true;
      });
    } finally {
      server.close();
    }
  });

  test("a token file this user may not read is named as such, not as missing", { skip: process.getuid?.() === 0 ? "root reads every file" : false }, () => {
    const locked = mkdtempSync(join(tmpdir(), "slipway-target-locked-"));
    try {
      mkdirSync(join(locked, ".slipway"));
      writeFileSync(join(locked, ".slipway", "admin-token"), "x", { mode: 0o000 });
      assert.match(resolveTarget({}, {}, locked).tokenSearch ?? "", /exists but this user may not read it/);
    } finally {
      rmSync(locked, { recursive: true, force: true });
    }
  });
});
