/**
 * Hostile input to the supply chain, over HTTP (SQLite and PostgreSQL) and through the CLI:
 * malformed DSSE envelopes, truncated keys, unknown key types, a 100 MB provenance file (413), junk
 * SBOMs and scans. Each is a clear 400 (CLI: exit 2) naming what was wrong, and nothing is stored.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { craftTgz } from "../../src/supply/testing.js";
import { startHarness, type AccessHarness } from "../access/harness.js";
import { PACKAGE_ROOT, tempDir } from "../helpers/fixture.js";
import { runCli } from "../helpers/processes.js";

const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "supply", "openssl");
const P256 = readFileSync(join(FIXTURES, "ecdsa-p256.pub"), "utf8");

for (const dialect of TEST_DIALECTS) {
  describe(`hostile supply-chain input (${dialect})`, () => {
    let h: AccessHarness;
    let token: string;
    let digest: string;
    const call = (method: "POST" | "PUT", url: string, payload: string | Buffer, contentType = "application/json") =>
      h.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, "content-type": contentType }, payload });
    const stored = async () => ({
      attachments: (await h.store.db.selectFrom("artifact_attachments").select("id").execute()).length,
      keys: (await h.store.db.selectFrom("signing_keys").select("id").execute()).length,
    });
    const message = (r: { json: <T>() => T }) => r.json<{ error: { code: string; message: string } }>().error;

    before(async () => {
      h = await startHarness(dialect);
      token = await h.token("admin", "admin");
      const pushed = await call("PUT", "/api/v1/artifacts/bad/1.0.0", craftTgz([{ path: "app.js", body: "ok" }]), "application/gzip");
      assert.equal(pushed.statusCode, 201, pushed.body);
      digest = pushed.json<{ artifact: { digest: string } }>().artifact.digest;
    });
    after(() => h?.close());

    test("a 100 MB provenance document is a 413 naming the limit, read no further", async () => {
      const big = Buffer.alloc(100 * 1024 * 1024, 0x20);
      const r = await call("POST", `/api/v1/artifacts/by-digest/sha256:${digest}/provenance`, big);
      assert.equal(r.statusCode, 413, r.body);
      assert.equal(message(r).code, "too_large");
      assert.match(message(r).message, /the request body is larger than this route accepts \(4 MiB\)/);
    });

    test("malformed DSSE envelopes and statements", async () => {
      const cases: [string, RegExp][] = [
        ["{not json", /the signature envelope is not JSON/],
        [JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: "%%%", signatures: [{ sig: "AA==" }] }), /payload: payload is not valid base64/],
        [JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: "e30=", signatures: [] }), /the envelope has no signatures/],
        [JSON.stringify({ payloadType: "text/plain", payload: "e30=", signatures: [{ sig: "AA==" }] }), /the envelope's payloadType is text\/plain/],
        [JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: "e30=", signatures: [{ sig: "AA==" }] }), /the signed payload is not an in-toto Statement v1/],
      ];
      for (const [body, expected] of cases) {
        const r = await call("POST", `/api/v1/artifacts/by-digest/sha256:${digest}/signatures`, body);
        assert.equal(r.statusCode, 400, body);
        assert.match(message(r).message, expected, body);
      }
      const prov = await call("POST", `/api/v1/artifacts/by-digest/sha256:${digest}/provenance`, JSON.stringify({ _type: "https://in-toto.io/Statement/v0.1", subject: [], predicateType: "x" }));
      assert.equal(prov.statusCode, 400);
      assert.match(message(prov).message, /expected _type https:\/\/in-toto\.io\/Statement\/v1/);
    });

    test("truncated keys and unknown key types", async () => {
      const lines = P256.trim().split("\n");
      const cases: [string, RegExp][] = [
        [lines.slice(0, 2).join("\n"), /is truncated: its PUBLIC KEY block has no END line/],
        [[lines[0], lines[1]!.slice(0, 24), lines.at(-1)].join("\n"), /the key bytes are truncated or corrupt/],
        [readFileSync(join(FIXTURES, "rsa.pub"), "utf8"), /is a key of unsupported type rsa/],
        [readFileSync(join(FIXTURES, "ecdsa-p384.pub"), "utf8"), /curve secp384r1; only P-256/],
      ];
      for (const [publicKey, expected] of cases) {
        const r = await h.app.inject({ method: "POST", url: "/api/v1/keys", headers: { authorization: `Bearer ${token}` }, payload: { name: "k1", publicKey } });
        assert.equal(r.statusCode, 400, r.body);
        assert.match(message(r).message, expected);
      }
    });

    test("junk SBOMs and scan reports", async () => {
      const sbom = await call("POST", `/api/v1/artifacts/by-digest/sha256:${digest}/sbom`, JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components: [{ name: "no-type" }] }));
      assert.equal(sbom.statusCode, 400);
      assert.match(message(sbom).message, /is not valid CycloneDX 1\.6/);
      const scan = await call("POST", `/api/v1/artifacts/by-digest/sha256:${digest}/scans`, JSON.stringify({ hello: "world" }));
      assert.equal(scan.statusCode, 400);
    });

    test("none of it was stored", async () => {
      assert.deepEqual(await stored(), { attachments: 0, keys: 0 });
    });

    if (dialect === "sqlite") {
      test("the CLI: exit 2, a sentence naming the problem, nothing sent", async () => {
        const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
        const work = await tempDir("bad-input");
        const cli = (...args: string[]) => runCli(args, { env: { SLIPWAY_SERVER: address, SLIPWAY_TOKEN: token } });
        const big = join(work, "provenance.json");
        const fh = await open(big, "w");
        await fh.truncate(100 * 1024 * 1024); // a sparse 100 MB file
        await fh.close();
        const r1 = await cli("artifact", "attach", `sha256:${digest}`, "--provenance", big);
        assert.equal(r1.code, 2, r1.stderr);
        assert.match(r1.stderr, /provenance\.json is 100\.0 MiB; a provenance document may be at most 4 MiB/);
        await writeFile(join(work, "trunc.pub"), P256.trim().split("\n").slice(0, 2).join("\n"));
        const r2 = await cli("keys", "register", "k2", "--public", join(work, "trunc.pub"));
        assert.equal(r2.code, 2, r2.stderr);
        assert.match(r2.stderr, /truncated/);
        const r3 = await cli("keys", "register", "k3", "--public", join(FIXTURES, "rsa.pub"));
        assert.equal(r3.code, 2, r3.stderr);
        await writeFile(join(work, "junk.json"), '{"payloadType": 1}');
        const r4 = await cli("artifact", "attach", `sha256:${digest}`, "--signature", join(work, "junk.json"));
        assert.equal(r4.code, 2, r4.stderr);
        assert.match(r4.stderr, /is not a valid DSSE envelope/);
        assert.deepEqual(await stored(), { attachments: 0, keys: 0 });
      });
    }
  });
}
