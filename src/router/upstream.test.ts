import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { startRouter } from "./router.js";
import type { RunningRouter } from "./router.js";
import { call, checksum, freePort, startBackend } from "./testing.js";
import type { TestBackend } from "./testing.js";
import { UPSTREAM_KINDS } from "./upstream.js";

/** A backend that streams `/big` (4 MiB in 64 KiB chunks) and `/drip` (one chunk, then holds until the client leaves). */
async function streamingBackend(): Promise<{ server: Server; target: string; big: Buffer; dripClosed: Promise<void> }> {
  const big = Buffer.from(Array.from({ length: 4 * 1024 * 1024 }, (_, i) => (i * 7) % 253));
  let closed: () => void = () => undefined;
  const dripClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = createServer((req, res) => {
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      let at = 0;
      const more = () => {
        while (at < big.length) {
          const ok = res.write(big.subarray(at, (at += 64 * 1024)));
          if (!ok) return void res.once("drain", more);
        }
        res.end();
      };
      return more();
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first chunk");
    res.on("close", () => closed());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}`, big, dripClosed };
}

for (const upstream of UPSTREAM_KINDS) {
  describe(`upstream client: ${upstream}`, () => {
    let router: RunningRouter;
    const backends: TestBackend[] = [];
    const servers: Server[] = [];
    before(async () => {
      router = await startRouter({ upstream });
    });
    after(async () => {
      await router.close(1000);
      for (const b of backends) await b.kill();
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    });

    test("a large answer arrives whole, a client that leaves mid-answer cuts the backend's request", async () => {
      const b = await streamingBackend();
      servers.push(b.server);
      const port = await freePort();
      await router.control.setRoute({ key: "stream/dev", port, backends: [{ version: "1", weight: 100, targets: [b.target] }] });
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        request({ host: "127.0.0.1", port, path: "/big" }, (res) => {
          res.on("data", (c: Buffer) => chunks.push(c)).on("end", resolve).on("error", reject);
        }).on("error", reject).end();
      });
      const got = Buffer.concat(chunks);
      assert.equal(got.length, b.big.length);
      assert.equal(checksum(got), checksum(b.big));

      await new Promise<void>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/drip" }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", () => undefined).end();
        setTimeout(() => reject(new Error("no first chunk")), 5000).unref();
      });
      await b.dripClosed; // the backend saw its request end: nothing is left streaming to nobody
      const [stats] = await router.control.getStats("stream/dev");
      assert.equal(stats!.requests, 2);
      assert.equal(stats!.statusClasses.error, 0);
    });

    test("a client that leaves halfway through a large upload leaves the router serving", async () => {
      const b = await startBackend("upload");
      backends.push(b);
      const port = await freePort();
      await router.control.setRoute({ key: "upload/dev", port, backends: [{ version: "1", weight: 100, targets: [b.target] }] });
      await new Promise<void>((resolve) => {
        const req = request({ host: "127.0.0.1", port, path: "/echo", method: "POST", headers: { "content-length": String(1024 * 1024) } });
        req.on("error", () => resolve());
        req.write(Buffer.alloc(256 * 1024, 1), () => setTimeout(() => req.destroy(), 50));
      });
      const answer = await call(port, "/echo", { method: "POST", body: "still here" });
      assert.equal(JSON.parse(answer.body).length, 10);
    });

    test("a target dropped from the route still finishes its request in flight", async () => {
      const [old, next] = [await startBackend("old"), await startBackend("next")];
      backends.push(old, next);
      const port = await freePort();
      const route = (b: TestBackend) => ({ key: "drop/dev", port, backends: [{ version: b.name, weight: 100, targets: [b.target] }] });
      await router.control.setRoute(route(old));
      const held = call(port, "/hold");
      await old.held();
      await router.control.setRoute(route(next));
      assert.equal((await call(port, "/")).body, "next");
      old.release();
      const answer = await held;
      assert.equal(answer.status, 200);
      assert.equal(answer.body, "old");
      await router.control.setRoute(route(old)); // and it can come back
      assert.equal((await call(port, "/")).body, "old");
    });
  });
}
