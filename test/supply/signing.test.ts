/**
 * Signed, traceable artifacts through the real CLI against a real control plane (SQLite):
 * keys created and registered, pushes with --sign and --sbom, the signed_by and sbom gates
 * (unsigned, the wrong key, a revoked key, a signature over other bytes), `artifact verify`
 * with the same facts, and a blob with one byte changed refused at deploy by digest.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { artifactPath } from "../../src/supply/index.js";
import { buildHello, helloYaml, PACKAGE_ROOT, startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { runCli, type CliResult } from "../helpers/processes.js";

const SERVICE = "signed";
const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe("signed artifacts and the supply-chain gates (sqlite)", () => {
  let fx: PlaneFixture;
  let sbomFile: string;
  const slipway = (...args: string[]) => runCli(args, { env: { SLIPWAY_SERVER: fx.api.url, SLIPWAY_TOKEN: fx.api.token } });
  const ok = async (...args: string[]) => {
    const r = await slipway(...args);
    assert.equal(r.code, 0, show(r));
    return r;
  };
  const push = async (version: string, ...extra: string[]) => {
    const dir = await buildHello(fx.workDir, version);
    const r = await ok("artifact", "push", dir, "--service", SERVICE, "--version", version, ...extra);
    return /sha256:([0-9a-f]{64})/.exec(r.stdout)![1]!;
  };
  const key = (name: string) => join(fx.workDir, name);
  const dryRun = (version: string) => slipway("deploy", SERVICE, version, "--env", "prod", "--dry-run");

  before(async () => {
    fx = await startPlane("sqlite");
    await fx.api.apply(helloYaml(SERVICE, { dev: {}, prod: { requires: { signed_by: ["release-key"], sbom: true } } }));
    await ok("keys", "create", "release-key", "--type", "ecdsa-p256", "--dir", fx.workDir);
    await ok("keys", "create", "ci-key", "--dir", fx.workDir);
    await ok("keys", "register", "release-key", "--public", key("release-key.pub"), "--service", SERVICE);
    await ok("keys", "register", "ci-key", "--public", key("ci-key.pub"));
    sbomFile = join(fx.workDir, "bom.json");
    await ok("sbom", PACKAGE_ROOT, "--output", sbomFile);
  });
  after(() => fx?.cleanup());

  test("keys create writes a 0600 private key; keys list shows both public keys", async () => {
    const mode = (await import("node:fs")).statSync(key("release-key.key")).mode & 0o777;
    assert.equal(mode, 0o600);
    const list = await ok("keys", "list");
    assert.match(list.stdout, /^release-key +ecdsa-p256 +SHA256:[0-9a-f]{16} +signed +active$/m, show(list));
    assert.match(list.stdout, /^ci-key +ed25519 +SHA256:[0-9a-f]{16} +any +active$/m, show(list));
  });

  test("a release signed by the listed key, with an SBOM, passes the gates and deploys", async () => {
    const digest = await push("1.0.0", "--sbom", sbomFile, "--sign", key("release-key.key"));
    const gates = await dryRun("1.0.0");
    assert.equal(gates.code, 0, show(gates));
    assert.match(gates.stdout, /passed +signatures: sha256:[0-9a-f]{12}… signed by release-key \(SHA256:[0-9a-f]{16}\) \(verified\)/, show(gates));
    assert.match(gates.stdout, /passed +sbom: CycloneDX 1\.6 SBOM with \d+ components/, show(gates));
    const verify = await ok("artifact", "verify", `sha256:${digest}`, "--key", "release-key");
    assert.match(verify.stdout, /bytes +ok: the stored bytes hash to sha256:/);
    assert.match(verify.stdout, /sbom +CycloneDX 1\.6, \d+ components \(sha256:[0-9a-f]{12}…\); vouched for by release-key/, show(verify));
    assert.match(verify.stdout, /^verified$/m);
    const deploy = await ok("deploy", SERVICE, "1.0.0", "--env", "prod", "--wait");
    assert.match(deploy.stdout, /state: +succeeded/, show(deploy));
  });

  test("signed_by refuses an unsigned artifact and one signed by a key it does not list, naming both keys", async () => {
    const digest = await push("1.1.0", "--sbom", sbomFile);
    const unsigned = await dryRun("1.1.0");
    assert.equal(unsigned.code, 1, show(unsigned));
    assert.match(unsigned.stdout, /FAILED +signatures: sha256:[0-9a-f]{12}… is unsigned; expected a signature by release-key/, show(unsigned));

    await ok("artifact", "sign", `${SERVICE}@1.1.0`, "--key", key("ci-key.key"));
    const wrongKey = await dryRun("1.1.0");
    assert.equal(wrongKey.code, 1, show(wrongKey));
    assert.match(wrongKey.stdout, /signatures: expected a signature by release-key; found: signed by ci-key \(SHA256:[0-9a-f]{16}\) \(verified\)/, show(wrongKey));
    const verify = await slipway("artifact", "verify", digest, "--key", "release-key");
    assert.equal(verify.code, 1, show(verify));
    assert.match(verify.stdout, /signed_by +refuse: expected a signature by release-key; found: signed by ci-key/, show(verify));

    // A real deployment is rejected on the record, with the same facts.
    const rejected = await slipway("deploy", SERVICE, "1.1.0", "--env", "prod", "--wait");
    assert.equal(rejected.code, 1, show(rejected));
    assert.match(rejected.stdout + rejected.stderr, /rejected/, show(rejected));
  });

  test("a signature over other bytes is refused when attached, and nothing is stored", async () => {
    const [row] = await fx.plane.store.db.selectFrom("artifact_attachments").select(["document", "digest"]).where("kind", "=", "signature").execute();
    const other = (await fx.plane.store.db.selectFrom("artifacts").select("digest").where("version", "=", "1.1.0").executeTakeFirstOrThrow()).digest;
    assert.notEqual(row!.digest, other);
    const envelope = join(fx.workDir, "other.envelope.json");
    await writeFile(envelope, row!.document);
    const before = await fx.plane.store.db.selectFrom("artifact_attachments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    const r = await slipway("artifact", "attach", `sha256:${other}`, "--signature", envelope);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, new RegExp(`the signature does not count for sha256:${other}: signed by release-key \\(SHA256:[0-9a-f]{16}\\), but over sha256:${row!.digest}, not this artifact`), show(r));
    const afterCount = await fx.plane.store.db.selectFrom("artifact_attachments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  test("a revoked key no longer counts, and the refusal says so", async () => {
    await push("1.2.0", "--sbom", sbomFile, "--sign", key("release-key.key"));
    assert.equal((await dryRun("1.2.0")).code, 0);
    await ok("keys", "revoke", "release-key", "--reason", "laptop stolen");
    const r = await dryRun("1.2.0");
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /signatures: expected a signature by release-key; found: signed by release-key \(SHA256:[0-9a-f]{16}\), revoked at \S+ by \S+ \(laptop stolen\)/, show(r));
    assert.match(r.stdout, /release-key is revoked: sign with a current key/, show(r));
  });

  test("a blob with one byte changed is refused at deploy, naming the digest mismatch", async () => {
    const digest = await push("2.0.0");
    const file = artifactPath(fx.dataDir, digest);
    const bytes = await readFile(file);
    bytes[100] = bytes[100]! ^ 0x01;
    await writeFile(file, bytes);
    const r = await slipway("deploy", SERVICE, "2.0.0", "--env", "dev");
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, new RegExp(`artifact sha256:${digest} is corrupted in the store: digest mismatch, expected sha256:${digest}, found sha256:(?!${digest})[0-9a-f]{64}`), show(r));
    const verify = await slipway("artifact", "verify", digest);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /bytes +TAMPERED: artifact sha256:\S+ is corrupted in the store: digest mismatch/, show(verify));
    const none = await fx.plane.store.db.selectFrom("deployments").select("id").where("version", "=", "2.0.0").execute();
    assert.deepEqual(none, []);
  });
});
