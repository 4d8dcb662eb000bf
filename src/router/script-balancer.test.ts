import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ScriptBalancer } from "./script-balancer.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-lb-script-"));
  // A balancer script as a team would write one: it records what it was asked, answers stats.
  await writeFile(
    join(dir, "lb.sh"),
    [
      "#!/bin/sh",
      `echo "$SLIPWAY_ACTION $SLIPWAY_ROUTE_KEY" >> "${join(dir, "calls")}"`,
      `[ "$SLIPWAY_ACTION" = set-route ] && printf '%s' "$SLIPWAY_WEIGHTS_JSON" > "${join(dir, "weights.json")}"`,
      `[ "$SLIPWAY_ACTION" = stats ] && echo '[{"version":"1.0.0","requests":7,"statusClasses":{"2xx":7,"3xx":0,"4xx":0,"5xx":0,"error":0},"latencyBuckets":[]}]'`,
      `[ "$SLIPWAY_ACTION" = drain ] && [ "$SLIPWAY_VERSION" = stuck ] && exit 1`,
      "exit 0",
      "",
    ].join("\n"),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

test("the balancer script gets the weights per server, answers stats and drains", async () => {
  const lb = new ScriptBalancer(`sh ${join(dir, "lb.sh")}`);
  await lb.setRoute({ key: "web/prod", port: 0, backends: [{ version: "1.0.0", weight: 75, targets: ["10.0.0.11:3000", "10.0.0.12:3000"] }, { version: "2.0.0", weight: 25, targets: ["10.0.0.11:3001"] }] });
  const weights = JSON.parse(await readFile(join(dir, "weights.json"), "utf8")) as unknown;
  assert.deepEqual(weights, [
    { version: "1.0.0", weight: 75, servers: [{ host: "10.0.0.11", port: 3000, weight: 37.5 }, { host: "10.0.0.12", port: 3000, weight: 37.5 }] },
    { version: "2.0.0", weight: 25, servers: [{ host: "10.0.0.11", port: 3001, weight: 25 }] },
  ]);
  assert.equal((await lb.getStats("web/prod"))[0]?.requests, 7);
  assert.equal(await lb.drain("web/prod", "1.0.0", 1_000), true);
  assert.equal(await lb.drain("web/prod", "stuck", 1_000), false);
  assert.match(await readFile(join(dir, "calls"), "utf8"), /^set-route web\/prod\nstats web\/prod\ndrain web\/prod\ndrain web\/prod\n$/);
});

test("a failing balancer script is a clear error", async () => {
  const lb = new ScriptBalancer("echo 'cannot reach the cloud API' >&2; exit 2");
  await assert.rejects(lb.setRoute({ key: "k", port: 0, backends: [] }), /the balancer script failed on set-route: cannot reach the cloud API/);
});
