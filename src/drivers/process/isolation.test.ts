import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { bwrapArgs, confinedLaunch, detectSandbox, type Launch } from "./isolation.js";
import { ensureServiceUser } from "./run-user.js";
import { unshareWorks } from "./unshare-sandbox.js";

const root = mkdtempSync(join(tmpdir(), "slipway-isolation-"));
const dataDir = join(root, "data");
const workdir = join(dataDir, "work", "svc", "abc");
mkdirSync(workdir, { recursive: true, mode: 0o700 });
writeFileSync(join(dataDir, "admin-token"), "the-admin-token\n", { mode: 0o600 });
writeFileSync(join(workdir, "app.txt"), "the app's own file\n");
after(() => rmSync(root, { recursive: true, force: true }));

/** What a confined shell sees: it reads the token, lists the data dir, reads its own file. */
const LOOK = `cat ${dataDir}/admin-token 2>/dev/null && echo TOKEN-READ; ls ${dataDir} 2>/dev/null | tr '\\n' ' '; echo; cat app.txt; id -u`;

function runLaunch(launch: Launch): { stdout: string; status: number | null } {
  const r = spawnSync(launch.file, launch.args, { cwd: workdir, encoding: "utf8", ...(launch.uid === undefined ? {} : { uid: launch.uid, gid: launch.gid! }) });
  return { stdout: r.stdout, status: r.status };
}

const isRoot = process.getuid?.() === 0;
const sandbox = detectSandbox();

describe("confinedLaunch", () => {
  test("without a sandbox or user, a command runs as before: /bin/sh -c", () => {
    assert.deepEqual(confinedLaunch({ sandbox: "none", command: "true", workdir, hidden: [dataDir], user: null }), { file: "/bin/sh", args: ["-c", "true"] });
  });

  for (const kind of ["bwrap", "unshare"] as const) {
    const usable = kind === "bwrap" ? sandbox === "bwrap" : unshareWorks();

    test(`the ${kind} sandbox hides the data directory but the workdir, which stays writable`, { skip: usable ? false : `${kind} is not usable here` }, () => {
      const { stdout, status } = runLaunch(confinedLaunch({ sandbox: kind, command: `${LOOK}; echo x > written.txt && echo WROTE; touch /written-to-root 2>/dev/null && echo ROOT-WRITABLE; umount -l ${dataDir} 2>/dev/null && echo UNMOUNTED; true`, workdir, hidden: [dataDir], user: null }));
      assert.equal(status, 0, stdout);
      assert.doesNotMatch(stdout, /TOKEN-READ|the-admin-token/);
      assert.match(stdout, /^work \n/m, "the data directory shows only the way to the workdir");
      assert.match(stdout, /the app's own file/);
      assert.match(stdout, /WROTE/);
      assert.doesNotMatch(stdout, /ROOT-WRITABLE|UNMOUNTED/, "/ is read-only and the hiding cannot be undone");
    });

    test(`as root, a command in the ${kind} sandbox runs as the given user and reaches its workdir below private parents`, { skip: isRoot && usable ? false : `needs root and ${kind}` }, async () => {
      const user = await ensureServiceUser("isolation-test");
      spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, workdir]);
      let answer;
      try {
        answer = runLaunch(confinedLaunch({ sandbox: kind, command: `${LOOK}; cat ${workdir}/app.txt`, workdir, hidden: [dataDir], user }));
      } finally {
        spawnSync("chown", ["-R", "0:0", workdir]);
      }
      const { stdout, status } = answer;
      assert.equal(status, 0, stdout);
      assert.doesNotMatch(stdout, /TOKEN-READ/);
      assert.match(stdout, new RegExp(`^${user.uid}$`, "m"));
      assert.equal(stdout.match(/the app's own file/g)?.length, 2, "by relative and by absolute path");
    });
  }

  test("as root without a sandbox, the user's permissions alone keep it out of the 0700 data directory", { skip: isRoot ? false : "needs root" }, async () => {
    const user = await ensureServiceUser("isolation-test");
    spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, workdir]);
    const launch = confinedLaunch({ sandbox: "none", command: LOOK, workdir, hidden: [dataDir], user });
    assert.equal(launch.uid, user.uid);
    let answer;
    try {
      answer = runLaunch(launch);
    } finally {
      spawnSync("chown", ["-R", "0:0", workdir]);
    }
    const { stdout, status } = answer;
    assert.equal(status, 0, stdout);
    assert.doesNotMatch(stdout, /TOKEN-READ/);
    assert.match(stdout, /the app's own file/, "its own workdir is its current directory");
  });

  test("bubblewrap gets the workdir's parents inside the hidden directory created 0755, and no new session", () => {
    const args = bwrapArgs(workdir, [dataDir]);
    const text = args.join(" ");
    assert.ok(text.includes(`--perms 0755 --tmpfs ${dataDir}`), text);
    assert.ok(text.includes(`--perms 0755 --dir ${join(dataDir, "work")} --perms 0755 --dir ${join(dataDir, "work", "svc")}`), text);
    assert.ok(text.endsWith(`--bind ${workdir} ${workdir} --chdir ${workdir}`), text);
    assert.ok(!args.includes("--new-session") && !args.includes("--die-with-parent") && !args.includes("--unshare-net"));
  });
});
