import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { ephemeralPortRange, findListenPort } from "./ports.js";

test("a listen port is free, below the kernel's ephemeral range, and never one excluded", async () => {
  const { low } = ephemeralPortRange();
  const seen = new Set<number>();
  for (let i = 0; i < 20; i++) {
    const port = await findListenPort("127.0.0.1", seen);
    assert.ok(!seen.has(port), `port ${port} was excluded`);
    if (low - 10_000 >= 1_000) assert.ok(port >= 10_000 && port < low, `port ${port} is below ${low}`);
    seen.add(port);
    // It can really be listened on.
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen({ port, host: "127.0.0.1" }, resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
