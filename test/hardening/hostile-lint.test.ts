/**
 * Finding 2 of issue 10: one request cannot freeze the control plane. While a canary rolls
 * out under traffic, several clients send multi-megabyte slipway.yaml files to /lint and
 * /services (apply): large ones are refused at the door (413), ones just under the limit are
 * checked on a worker thread, and /healthz answers every poll throughout. On the code before
 * this change the same test fails: checking grew with the square of the file and ran on the
 * event loop, so /healthz went silent for tens of seconds.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { canaryEnv, helloYaml, pushHello } from "../helpers/fixture.js";
import { summarize, waitForEnd } from "../helpers/http.js";
import { startLoad } from "../helpers/load.js";
import { startChildServer, watchHealth, type ChildServer } from "./support.js";

/** A slipway.yaml with `n` environments, each with errors, and a promotion chain through all of them. */
export function hostileConfig(n: number): string {
  const envs = Array.from({ length: n }, (_, i) => `  e${i}:\n    target: { driver: process, replicas: -1 }\n    requires: { promoted_from: e${i + 1} }\n`).join("");
  return `service: hostile\nowner: team-x\nrun:\n  command: node server.js\nenvironments:\n${envs}`;
}

let child: ChildServer;
before(async () => {
  child = await startChildServer();
});
after(async () => {
  await child?.cleanup();
});

test("a hostile lint and apply do not stall /healthz or a canary in flight", { timeout: 240_000 }, async (t) => {
  const { api } = child.server;
  await api.apply(helloYaml("live", { prod: canaryEnv({ steps: [{ weight: 50, pause: "8s" }, { weight: 100 }], minRequests: 10 }) }));
  await pushHello(api, child.workDir, "live", "1.0.0");
  await pushHello(api, child.workDir, "live", "1.1.0");
  const first = await waitForEnd(api, await api.deploy("live", "prod", "1.0.0"));
  assert.equal(first.deployment.state, "succeeded");
  const load = startLoad(await api.routerUrl("live", "prod"), { concurrency: 4, pauseMs: 10, maxDurationMs: 200_000 });
  const health = watchHealth(api.url);
  const nearLimit = hostileConfig(9000);
  const overLimit = hostileConfig(30_000);
  assert.ok(nearLimit.length > 800_000 && nearLimit.length < 1_000_000, `near-limit config is ${nearLimit.length} bytes`);
  const statuses: number[] = [];
  const refusedOversize: number[] = [];
  let hostile = true;
  const attack = async (path: string, yaml: string, into: number[]) => {
    // Serialised once: this process's own work must not make the health polls late.
    const body = JSON.stringify({ yaml, file: "hostile.yaml" });
    const headers = { authorization: `Bearer ${api.token}`, "content-type": "application/json" };
    while (hostile) {
      // 0: no answer. The server may answer an oversized body's 413 and close before the client has sent it all.
      const status = await fetch(`${api.url}/api/v1${path}`, { method: "POST", headers, body, signal: AbortSignal.timeout(60_000) }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => 0,
      );
      into.push(status);
    }
  };
  // The canary's outcome is judged after /healthz: on a frozen server the canary's own calls time out too.
  let ended: string | Error = "not ended";
  try {
    const canary = api.deploy("live", "prod", "1.1.0");
    const attackers = [attack("/lint", nearLimit, statuses), attack("/lint", nearLimit, statuses), attack("/services", nearLimit, statuses), attack("/lint", overLimit, refusedOversize)];
    const detail = await waitForEnd(api, await canary, 180_000).finally(() => (hostile = false));
    await Promise.all(attackers);
    ended = detail.deployment.state === "succeeded" ? "succeeded" : `the canary ended ${summarize(detail)}`;
  } catch (err) {
    ended = err as Error;
  } finally {
    hostile = false;
    await health.stop();
    await load.stop();
  }
  t.diagnostic(`health: ${health.polls} polls, ${health.late.length} late, slowest ${health.slowestMs} ms; hostile answers: ${statuses.length} checked, ${refusedOversize.length} oversized`);
  assert.deepEqual(health.late, [], `/healthz missed ${health.late.length} of ${health.polls} polls`);
  assert.ok(health.polls > 20, `only ${health.polls} health polls`);
  if (ended instanceof Error) throw ended;
  assert.equal(ended, "succeeded");
  assert.ok(refusedOversize.includes(413) && refusedOversize.every((s) => s === 413 || s === 0), `over-limit configs: ${[...new Set(refusedOversize)].join(", ")}`);
  // 200 from lint (it reports the problems), 400 from apply; 503 if the checking queue were full.
  assert.ok(statuses.includes(200) && statuses.includes(400), `near-limit configs: ${[...new Set(statuses)].join(", ")}`);
  assert.ok(statuses.every((s) => s === 200 || s === 400 || s === 503), `unexpected answers: ${[...new Set(statuses)].join(", ")}`);
});
