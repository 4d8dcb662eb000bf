import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findFreePort } from "../../net/index.js";
import { HaproxyRouter } from "./haproxy-router.js";

const HAPROXY = "/usr/sbin/haproxy";

/** A local server answering with its version, and how many requests it got. */
function versionServer(version: string, status = 200): Promise<{ server: Server; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(status).end(version);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port, hits: () => hits })));
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => connect(path).once("connect", function (this: { destroy(): void }) { this.destroy(); resolve(true); }).once("error", () => resolve(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`HAProxy's socket ${path} did not appear`);
}

describe("HAProxy through its Runtime API", { skip: existsSync(HAPROXY) ? false : `${HAPROXY} is not installed` }, () => {
  let dir: string;
  let haproxy: ChildProcess;
  let url: string;
  let router: HaproxyRouter;
  const servers: Server[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "slipway-haproxy-"));
    const port = await findFreePort("127.0.0.1");
    const socket = join(dir, "admin.sock");
    await writeFile(
      join(dir, "haproxy.cfg"),
      ["global", `  stats socket ${socket} mode 600 level admin`, "defaults", "  mode http", "  timeout connect 2s", "  timeout client 10s", "  timeout server 10s",
        "frontend web", `  bind 127.0.0.1:${port}`, "  default_backend app", "backend app", "  balance roundrobin", ""].join("\n"),
    );
    haproxy = spawn(HAPROXY, ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: "ignore" });
    await waitForSocket(socket);
    url = `http://127.0.0.1:${port}`;
    router = new HaproxyRouter({ socket, backend: "app" });
  });
  after(async () => {
    haproxy?.kill("SIGKILL");
    for (const s of servers) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("weights split traffic per version, counters are read per version, and a retired version keeps its counts", async () => {
    const v1 = await versionServer("1");
    const v2 = await versionServer("2", 500);
    servers.push(v1.server, v2.server);
    await router.setRoute({ key: "s/e", port: 0, backends: [{ version: "1.0.0", weight: 50, targets: [`127.0.0.1:${v1.port}`] }, { version: "2.0.0", weight: 50, targets: [`127.0.0.1:${v2.port}`] }] });
    for (let i = 0; i < 40; i++) await fetch(url, { headers: { connection: "close" } }).then((r) => r.text());
    assert.equal(v1.hits() + v2.hits(), 40);
    assert.ok(v1.hits() > 0 && v2.hits() > 0, `both versions served: ${v1.hits()} / ${v2.hits()}`);
    const stats = new Map((await router.getStats()).map((s) => [s.version, s]));
    assert.equal(stats.get("1.0.0")?.requests, v1.hits());
    assert.equal(stats.get("2.0.0")?.statusClasses["5xx"], v2.hits());

    // 2.0.0 leaves: drained first, deleted by a later change, its counts kept.
    await router.setRoute({ key: "s/e", port: 0, backends: [{ version: "1.0.0", weight: 100, targets: [`127.0.0.1:${v1.port}`] }] });
    assert.equal(await router.drain("s/e", "2.0.0", 5_000), true);
    await router.setRoute({ key: "s/e", port: 0, backends: [{ version: "1.0.0", weight: 100, targets: [`127.0.0.1:${v1.port}`] }] });
    const routes = await router.listRoutes();
    assert.deepEqual(routes[0]?.backends.map((b) => b.version), ["1.0.0"]);
    for (let i = 0; i < 10; i++) assert.equal(await (await fetch(url, { headers: { connection: "close" } })).text(), "1");
    const after = new Map((await router.getStats()).map((s) => [s.version, s]));
    assert.equal(after.get("2.0.0")?.statusClasses["5xx"], v2.hits(), "the deleted server's counts are kept");
  });

  test("a backend HAProxy does not have is a clear error", async () => {
    const wrong = new HaproxyRouter({ socket: join(dir, "admin.sock"), backend: "nope" });
    await assert.rejects(wrong.getStats(), /HAProxy has no backend "nope"/);
  });
});
