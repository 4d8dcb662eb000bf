import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { checkEntries, validateArchive, type ArchiveEntry } from "./archive-safety.js";
import { craftTgz, type CraftedEntry } from "./testing.js";

const refuses = (entries: ArchiveEntry[], message: RegExp) =>
  assert.throws(() => checkEntries(entries), (err: Error & { code?: string }) => err.code === "bad_input" && message.test(err.message));

describe("archive entry checks", () => {
  test("accepts plain files, directories and links that stay inside", () => {
    checkEntries([
      { path: "app/", type: "Directory" },
      { path: "app/server.js", type: "File" },
      { path: "app/lib", type: "SymbolicLink", linkpath: "../vendor/lib" },
      { path: "vendor/lib/", type: "Directory" },
      { path: "app/again.js", type: "Link", linkpath: "app/server.js" },
      { path: "./top.txt", type: "File" },
    ]);
  });

  test("refuses paths that escape", () => {
    refuses([{ path: "../../etc/passwd", type: "File" }], /^archive entry \.\.\/\.\.\/etc\/passwd would escape the artifact directory$/);
    refuses([{ path: "a/../../x", type: "File" }], /archive entry a\/\.\.\/\.\.\/x would escape/);
    refuses([{ path: "/etc/passwd", type: "File" }], /archive entry \/etc\/passwd has an absolute path/);
    refuses([{ path: "a/../b", type: "File" }], /archive entry a\/\.\.\/b contains a '\.\.' segment/);
  });

  test("refuses links whose target resolves outside", () => {
    refuses([{ path: "evil", type: "SymbolicLink", linkpath: "/etc" }], /archive entry evil is a symlink to \/etc, which would escape/);
    refuses([{ path: "a/evil", type: "SymbolicLink", linkpath: "../../x" }], /archive entry a\/evil is a symlink to \.\.\/\.\.\/x/);
    refuses([{ path: "hard", type: "Link", linkpath: "../outside" }], /archive entry hard is a hard link to \.\.\/outside/);
  });

  test("follows the archive's own symlinks when resolving", () => {
    // a/b/q -> ../.. is the root (fine), but a/b/p -> q/.. then lands above the root.
    refuses(
      [
        { path: "a/b/q", type: "SymbolicLink", linkpath: "../.." },
        { path: "a/b/p", type: "SymbolicLink", linkpath: "q/.." },
      ],
      /archive entry a\/b\/p is a symlink to q\/\.\./,
    );
    refuses(
      [
        { path: "up", type: "SymbolicLink", linkpath: "/tmp" },
        { path: "up/file", type: "File" },
      ],
      /archive entry up is a symlink/,
    );
    refuses(
      [
        { path: "x", type: "SymbolicLink", linkpath: "y" },
        { path: "y", type: "SymbolicLink", linkpath: "x" },
      ],
      /symlink loop/,
    );
  });

  test("refuses devices and FIFOs", () => {
    refuses([{ path: "dev/null", type: "CharacterDevice" }], /archive entry dev\/null is a character device/);
    refuses([{ path: "pipe", type: "FIFO" }], /archive entry pipe is a FIFO/);
  });
});

describe("validateArchive on real bytes", () => {
  const cases: [string, CraftedEntry[], RegExp][] = [
    ["../ entry", [{ path: "../../etc/passwd", body: "root" }], /archive entry \.\.\/\.\.\/etc\/passwd would escape the artifact directory/],
    ["absolute path", [{ path: "/etc/cron.d/x", body: "* * * * * boom" }], /archive entry \/etc\/cron\.d\/x has an absolute path/],
    ["symlink out", [{ path: "link", type: "SymbolicLink", linkpath: "../../.." }], /archive entry link is a symlink to \.\.\/\.\.\/\.\./],
    ["hardlink out", [{ path: "hl", type: "Link", linkpath: "/etc/shadow" }], /archive entry hl is a hard link to \/etc\/shadow/],
    ["device", [{ path: "tty", type: "CharacterDevice" }], /archive entry tty is a character device/],
  ];
  for (const [name, entries, message] of cases) {
    test(`refuses a ${name}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "slipway-tgz-"));
      try {
        const file = join(dir, "bad.tgz");
        await writeFile(file, craftTgz([{ path: "ok.txt", body: "fine" }, ...entries]));
        await assert.rejects(validateArchive(file, "bad.tgz"), message);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  test("refuses bytes that are not a gzip tar", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-tgz-"));
    try {
      const file = join(dir, "junk.tgz");
      await writeFile(file, "this is not an archive at all, just some text that goes on for a while");
      await assert.rejects(validateArchive(file, "junk.tgz"), /junk\.tgz is not a readable \.tgz archive/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
