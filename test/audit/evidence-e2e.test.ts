/**
 * End to end, on SQLite and PostgreSQL: real deployments of examples/hello through a control
 * plane, `slipway audit export` over the API, `slipway audit verify-bundle` with no server
 * (a recording HTTP listener stands where a server would be and must hear nothing), and
 * `slipway changes` for the incident bridge.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { verifyEvidenceBundle, type EvidenceBundle } from "../../src/audit/index.js";
import type { Change } from "../../src/engine/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd } from "../helpers/http.js";
import { runCli } from "../helpers/processes.js";

for (const dialect of TEST_DIALECTS) {
  describe(`evidence and changes end to end (${dialect})`, () => {
    let fx: PlaneFixture;
    let first: string;
    let second: string;
    let recorder: Server;
    let heard: string[];

    before(async () => {
      heard = [];
      recorder = createServer((req, res) => {
        heard.push(`${req.method} ${req.url}`);
        res.writeHead(500).end();
      });
      await new Promise<void>((r) => recorder.listen(0, "127.0.0.1", r));
      fx = await startPlane(dialect);
      await fx.api.apply(helloYaml("shop", { prod: { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" } } }));
      await fx.pushHello("shop", "1.0.0");
      await fx.pushHello("shop", "1.1.0");
      first = await fx.api.deploy("shop", "prod", "1.0.0");
      assert.equal((await waitForEnd(fx.api, first)).deployment.state, "succeeded");
      const { deployment } = await fx.api.ok<{ deployment: { id: string } }>("POST", "/deployments", { service: "shop", environment: "prod", version: "1.1.0", reason: "INC-7: fix totals" });
      second = deployment.id;
      const detail = await waitForEnd(fx.api, second);
      assert.equal(detail.deployment.state, "succeeded", summarize(detail));
    });
    after(async () => {
      await fx?.cleanup();
      await new Promise((r) => recorder?.close(r));
    });

    const cli = (args: string[]) => runCli(["--server", fx.plane.url, "--token", fx.api.token, ...args]);

    test("GET /deployments/{id}/evidence answers a bundle that verifies", async () => {
      const bundle = await fx.api.ok<EvidenceBundle>("GET", `/deployments/${second}/evidence`);
      assert.deepEqual(verifyEvidenceBundle(bundle).problems, []);
      assert.equal(bundle.deployedBy.reason, "INC-7: fix totals");
      assert.equal(bundle.deployedBy.actor, "admin");
      assert.equal(bundle.deployment.previousVersion, "1.0.0");
      assert.equal(bundle.artifact.version, "1.1.0");
      assert.equal(bundle.chain.events[0]?.action, "artifact.pushed");
      assert.deepEqual(bundle.states.map((s) => s.to), ["running", "verifying", "succeeded"]);
      assert.ok(bundle.verification.steps.length > 0 && bundle.verification.steps.every((s) => s.state === "done"));
      assert.equal((await fx.api.call("GET", "/deployments/NOSUCH/evidence")).status, 404);
    });

    test("audit export writes the bundle; verify-bundle checks it with no server at all", async () => {
      const file = join(fx.workDir, "evidence.json");
      const exported = await cli(["audit", "export", second, "-o", file]);
      assert.equal(exported.code, 0, exported.stderr);
      const toStdout = await cli(["audit", "export", first]);
      assert.equal(toStdout.code, 0, toStdout.stderr);
      assert.equal((JSON.parse(toStdout.stdout) as EvidenceBundle).deployment.id, first);

      const offline = ["--server", `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`, "--token", "none"];
      const ok = await runCli([...offline, "audit", "verify-bundle", file]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, new RegExp(`evidence bundle ok: deployment ${second} \\(shop → prod\\)`));

      const bytes = await readFile(file);
      const tampered = Buffer.from(bytes);
      const at = bytes.indexOf("INC-7");
      tampered[at + 4] = "8".charCodeAt(0);
      const badFile = join(fx.workDir, "tampered.json");
      await writeFile(badFile, tampered);
      const bad = await runCli([...offline, "audit", "verify-bundle", badFile]);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /FAILED verification/);
      assert.match(bad.stdout, /bundleDigest does not match/);

      const json = await runCli([...offline, "audit", "verify-bundle", badFile, "--json"]);
      assert.equal(json.code, 1);
      assert.equal((JSON.parse(json.stdout) as { ok: boolean }).ok, false);

      const garbageFile = join(fx.workDir, "garbage.json");
      await writeFile(garbageFile, bytes.subarray(0, 200));
      const garbage = await runCli([...offline, "audit", "verify-bundle", garbageFile]);
      assert.equal(garbage.code, 2, garbage.stderr);
      assert.match(garbage.stderr, /not valid JSON/);
      const missing = await runCli([...offline, "audit", "verify-bundle", join(fx.workDir, "nope.json")]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read/);

      assert.deepEqual(heard, [], "verify-bundle must not contact any server");
    });

    test("GET /changes and `slipway changes` list both deployments and the config, newest first", async () => {
      const answer = await fx.api.ok<{ changes: Change[] }>("GET", "/changes?environment=prod&since=2h");
      const deploys = answer.changes.filter((c) => c.kind === "deploy");
      assert.deepEqual(deploys.map((c) => [c.id, c.version, c.previousVersion, c.state]), [
        [second, "1.1.0", "1.0.0", "succeeded"],
        [first, "1.0.0", null, "succeeded"],
      ]);
      assert.equal(answer.changes.at(-1)?.kind, "config", "the service was registered before both deployments");
      for (let i = 1; i < answer.changes.length; i++) assert.ok(answer.changes[i - 1]!.at >= answer.changes[i]!.at);
      assert.equal((await fx.api.call("GET", "/changes?since=yesterday")).status, 400);
      assert.deepEqual((await fx.api.ok<{ changes: Change[] }>("GET", "/changes?environment=staging&since=2h")).changes.filter((c) => c.kind !== "config"), []);

      const table = await cli(["changes", "--env", "prod", "--since", "2h"]);
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trim().split("\n");
      assert.match(lines[0]!, /^changes in prod, /);
      assert.match(lines[1]!, /^TIME\s+AGO\s+KIND\s+SERVICE\s+ENV\s+CHANGE\s+STATE\s+BY\s+REASON\s+ID$/);
      assert.match(lines[2]!, new RegExp(`deploy\\s+shop\\s+prod\\s+1\\.0\\.0 → 1\\.1\\.0\\s+succeeded\\s+admin\\s+INC-7: fix totals\\s+${second}`));
      const asJson = await cli(["changes", "--env", "prod", "--since", "2h", "--service", "shop", "--json"]);
      assert.equal(asJson.code, 0, asJson.stderr);
      assert.equal((JSON.parse(asJson.stdout) as { changes: Change[] }).changes[0]?.id, second);
    });
  });
}
