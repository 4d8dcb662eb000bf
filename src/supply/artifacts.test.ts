import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tar from "tar";
import { ManualClock } from "../core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../store/testing.js";
import { artifactPath, getArtifact, listArtifacts, listArtifactsByDigest, pushArtifact, requireArtifact, unpackArtifact, UNPACK_MARKER } from "./index.js";
import { craftTgz } from "./testing.js";

interface Ctx {
  t: TestStore;
  work: string;
  dataDir: string;
}

async function withCtx(dialect: (typeof TEST_DIALECTS)[number], fn: (c: Ctx) => Promise<void>): Promise<void> {
  const t = await freshStore(dialect);
  const work = await mkdtemp(join(tmpdir(), "slipway-artifacts-"));
  try {
    await fn({ t, work, dataDir: join(work, "data") });
  } finally {
    await t.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

/** A small app tree; `reverse` creates the same content in the opposite order. */
async function makeApp(dir: string, reverse = false): Promise<string> {
  const files: [string, string][] = [
    ["server.js", "console.log('hi')\n"],
    ["lib/util.js", "export const x = 1;\n"],
    ["lib/deep/data.json", '{"a":1}\n'],
    ["README.md", "# app\n"],
  ];
  for (const [rel, body] of reverse ? [...files].reverse() : files) {
    await mkdir(join(dir, rel, ".."), { recursive: true });
    await writeFile(join(dir, rel), body);
  }
  await chmod(join(dir, "server.js"), 0o755);
  await mkdir(join(dir, "empty"), { recursive: true });
  await symlink("lib/util.js", join(dir, "util-link.js"));
  return dir;
}

for (const dialect of TEST_DIALECTS) {
  describe(`artifacts on ${dialect}`, () => {
    test("a directory gives a stable digest, whatever its mtimes and creation order", async () => {
      await withCtx(dialect, async ({ t, work, dataDir }) => {
        const clock = new ManualClock();
        const a = await makeApp(join(work, "a"));
        const first = await pushArtifact(t.store, dataDir, { path: a, service: "hello", version: "1.0.0", commit: "abc123", author: "a@b.c" }, clock);
        assert.equal(first.created, true);
        assert.match(first.artifact.digest, /^[0-9a-f]{64}$/);
        assert.equal(first.artifact.createdAt, clock.now());
        assert.equal(first.artifact.commit, "abc123");
        assert.equal((await stat(artifactPath(dataDir, first.artifact.digest))).size, first.artifact.sizeBytes);

        const again = await pushArtifact(t.store, dataDir, { path: a, service: "hello", version: "1.0.0" });
        assert.deepEqual(again, { artifact: first.artifact, created: false });

        const b = await makeApp(join(work, "b"), true);
        const future = new Date(Date.UTC(2030, 0, 1));
        await utimes(join(b, "server.js"), future, future);
        const other = await pushArtifact(t.store, dataDir, { path: b, service: "hello", version: "1.0.1" });
        assert.equal(other.artifact.digest, first.artifact.digest);
        assert.deepEqual((await listArtifactsByDigest(t.store, first.artifact.digest)).map((x) => x.version), ["1.0.0", "1.0.1"]);
        assert.deepEqual((await readdir(join(dataDir, "artifacts", "tmp"))), []);
      });
    });

    test("a .tgz is stored as-is and listed", async () => {
      await withCtx(dialect, async ({ t, work, dataDir }) => {
        const app = await makeApp(join(work, "app"));
        const file = join(work, "app.tgz");
        await tar.c({ file, cwd: app, gzip: true }, ["."]);
        const { artifact } = await pushArtifact(t.store, dataDir, { path: file, service: "hello", version: "2.0.0-rc.1" });
        assert.deepEqual(await readFile(artifactPath(dataDir, artifact.digest)), await readFile(file));
        assert.deepEqual(await getArtifact(t.store, "hello", "2.0.0-rc.1"), artifact);
        assert.deepEqual(await listArtifacts(t.store, "hello"), [artifact]);
        assert.equal(await getArtifact(t.store, "hello", "9.9.9"), undefined);
        await assert.rejects(requireArtifact(t.store, "hello", "9.9.9"), /no artifact hello 9\.9\.9/);
      });
    });

    test("a different artifact under an existing version is a conflict", async () => {
      await withCtx(dialect, async ({ t, work, dataDir }) => {
        const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6));
        const app = await makeApp(join(work, "app"));
        const { artifact } = await pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.2.0" }, clock);
        await writeFile(join(app, "server.js"), "console.log('changed')\n");
        await assert.rejects(pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.2.0" }), (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, "conflict");
          assert.equal(
            err.message,
            `hello 1.2.0 already exists with digest sha256:${artifact.digest.slice(0, 12)}… (pushed 2026-03-03T04:05:06.000Z); versions are immutable`,
          );
          assert.equal(err.hint, "push under a new version");
          return true;
        });
      });
    });

    test("refuses bad names, missing paths and malicious archives before recording anything", async () => {
      await withCtx(dialect, async ({ t, work, dataDir }) => {
        const app = await makeApp(join(work, "app"));
        await assert.rejects(pushArtifact(t.store, dataDir, { path: app, service: "Hello", version: "1.0.0" }), /service "Hello" is not a valid service name/);
        await assert.rejects(pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.0/evil" }), /version "1.0\/evil" is not a valid version/);
        await assert.rejects(pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1 0" }), /not a valid version/);
        const missing = join(work, "nope");
        await assert.rejects(pushArtifact(t.store, dataDir, { path: missing, service: "hello", version: "1.0.0" }), (err: Error & { code?: string }) => err.code === "bad_input" && err.message === `${missing} does not exist`);

        const evil = join(work, "evil.tgz");
        await writeFile(evil, craftTgz([{ path: "ok.txt", body: "x" }, { path: "../../etc/passwd", body: "root::0:0" }]));
        await assert.rejects(pushArtifact(t.store, dataDir, { path: evil, service: "hello", version: "1.0.0" }), /archive entry \.\.\/\.\.\/etc\/passwd would escape the artifact directory/);

        await symlink("/etc", join(app, "etc-link"));
        await assert.rejects(pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.0.0" }), /archive entry etc-link is a symlink to \/etc, which would escape/);
        assert.deepEqual(await listArtifacts(t.store, "hello"), []);
        assert.deepEqual(await readdir(join(dataDir, "artifacts", "tmp")), []);
      });
    });
  });
}

describe("unpackArtifact", () => {
  test("unpacks a verified artifact once, then skips; redoes a crashed leftover", async () => {
    await withCtx("sqlite", async ({ t, work, dataDir }) => {
      const app = await makeApp(join(work, "app"));
      const { artifact } = await pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.0.0" });
      const target = join(work, "releases", artifact.digest);
      assert.equal(await unpackArtifact(dataDir, `sha256:${artifact.digest}`, target), target);
      assert.equal(await readFile(join(target, "lib/deep/data.json"), "utf8"), '{"a":1}\n');
      assert.equal(await readFile(join(target, "util-link.js"), "utf8"), "export const x = 1;\n");
      assert.equal((await stat(join(target, "server.js"))).mode & 0o111, 0o111);
      assert.equal((await readFile(join(target, UNPACK_MARKER), "utf8")).trim(), artifact.digest);

      // Idempotent: a second call does not touch the tree (a local edit survives).
      await writeFile(join(target, "local.txt"), "kept");
      await unpackArtifact(dataDir, artifact.digest, target);
      assert.equal(await readFile(join(target, "local.txt"), "utf8"), "kept");

      // A directory without a marker is a leftover: cleaned and redone. Dead partials go too.
      const leftover = join(work, "releases", "crashed");
      await mkdir(leftover, { recursive: true });
      await writeFile(join(leftover, "half-written.js"), "cons");
      const stale = `${leftover}.partial-${hostname()}-999999999-x`;
      await mkdir(stale);
      await unpackArtifact(dataDir, artifact.digest, leftover);
      assert.deepEqual((await readdir(leftover)).sort(), [UNPACK_MARKER, "README.md", "empty", "lib", "server.js", "util-link.js"].sort());
      assert.deepEqual((await readdir(join(work, "releases"))).sort(), [artifact.digest, "crashed"].sort());

      const other = "f".repeat(64);
      await assert.rejects(unpackArtifact(dataDir, other, target), /already holds artifact sha256:/);
      await assert.rejects(unpackArtifact(dataDir, other, join(work, "x")), /artifact sha256:f{64} is not in the store/);
      await assert.rejects(unpackArtifact(dataDir, "../../etc", join(work, "x")), /is not a sha256 digest/);
    });
  });

  test("concurrent unpacks of one digest: each caller finds the tree complete the moment it resolves", async () => {
    await withCtx("sqlite", async ({ t, work, dataDir }) => {
      const app = await makeApp(join(work, "app"));
      const { artifact } = await pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.0.0" });
      const target = join(work, "releases", artifact.digest);
      // Two deployments of the same build start at once (say dev and staging): neither may see
      // the directory vanish under it because the other one replaced it.
      const seen = await Promise.all(
        Array.from({ length: 8 }, async () => {
          await unpackArtifact(dataDir, artifact.digest, target);
          return readFile(join(target, "server.js"), "utf8").catch((err: NodeJS.ErrnoException) => err.code ?? "error");
        }),
      );
      assert.deepEqual(new Set(seen), new Set(["console.log('hi')\n"]));
    });
  });

  test("refuses a tampered store file", async () => {
    await withCtx("sqlite", async ({ t, work, dataDir }) => {
      const app = await makeApp(join(work, "app"));
      const { artifact } = await pushArtifact(t.store, dataDir, { path: app, service: "hello", version: "1.0.0" });
      const blob = artifactPath(dataDir, artifact.digest);
      const bytes = await readFile(blob);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
      await writeFile(blob, bytes);
      const target = join(work, "release");
      await assert.rejects(unpackArtifact(dataDir, artifact.digest, target), (err: Error & { code?: string }) => {
        assert.equal(err.code, "failed");
        assert.match(err.message, new RegExp(`^artifact sha256:${artifact.digest} is corrupted in the store: digest mismatch, expected sha256:${artifact.digest}, found sha256:[0-9a-f]{64}$`));
        return true;
      });
      await assert.rejects(stat(target), /ENOENT/);
    });
  });

  test("refuses a malicious archive that reached the store", async () => {
    await withCtx("sqlite", async ({ work, dataDir }) => {
      // Planted directly in the store (bypassing push), named by its true digest.
      const bytes = craftTgz([{ path: "ok.txt", body: "x" }, { path: "escape", type: "SymbolicLink", linkpath: "../../../tmp" }]);
      const digest = createHash("sha256").update(bytes).digest("hex");
      await mkdir(join(dataDir, "artifacts", "sha256"), { recursive: true });
      await writeFile(artifactPath(dataDir, digest), bytes);
      await assert.rejects(unpackArtifact(dataDir, digest, join(work, "release")), /archive entry escape is a symlink to \.\.\/\.\.\/\.\.\/tmp, which would escape/);
      assert.deepEqual(await readdir(work), ["data"]);
    });
  });
});
