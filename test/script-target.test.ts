/**
 * Script targets end to end: the environment is deployed by shell commands (standing in for
 * helm, kubectl or terraform) that write a state file, as real child processes of a real
 * control plane, on SQLite and PostgreSQL. Promotion dev → prod under a gate, a failed verify
 * rolled back by the rollback command with the previous version, exit 75 retried, a hanging
 * command killed at its timeout, and a secret the commands print redacted everywhere.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import YAML from "yaml";
import type { DeploymentDetail } from "../src/engine/index.js";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { packToBuffer, startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { readEventStream, summarize, waitFor, waitForEnd, type Api } from "./helpers/http.js";
import { processesWithEnv, runCli } from "./helpers/processes.js";
import { dumpDatabase, filesUnder } from "./helpers/scan.js";

const SERVICE = "infra";

/** What a team's deploy script does, in miniature: marker files in the artifact choose how this build behaves. */
const DEPLOY = [
  'if [ -f "$SLIPWAY_ARTIFACT/hang" ]; then echo "waiting for the cluster"; sleep 60; fi',
  'if [ -f "$SLIPWAY_ARTIFACT/flaky" ]; then n=$(cat "$STATE_DIR/$SLIPWAY_DEPLOYMENT_ID.tries" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$STATE_DIR/$SLIPWAY_DEPLOYMENT_ID.tries"; if [ $n -lt 3 ]; then echo "lock held, try again"; exit 75; fi; fi',
  'cat "$SLIPWAY_ARTIFACT/release.txt" > "$STATE_DIR/$SLIPWAY_ENVIRONMENT.release"',
  'echo "$SLIPWAY_VERSION" > "$STATE_DIR/$SLIPWAY_ENVIRONMENT.version"',
  'echo "RELEASE_NOTE=$(cat "$SLIPWAY_ARTIFACT/release.txt")" >> "$SLIPWAY_OUTPUT"; echo "TOKEN_SEEN=$API_TOKEN" >> "$SLIPWAY_OUTPUT"',
  'echo "deployed $SLIPWAY_SERVICE $SLIPWAY_VERSION over ${SLIPWAY_PREVIOUS_VERSION:-nothing} to $SLIPWAY_ENVIRONMENT ($SLIPWAY_DEPLOYMENT_ID) with token $API_TOKEN"',
].join("\n");
const VERIFY = 'if [ -f "$SLIPWAY_ARTIFACT/broken" ]; then echo "health check failed for $SLIPWAY_VERSION" >&2; exit 1; fi; echo verified';
const ROLLBACK = 'echo "$SLIPWAY_ENVIRONMENT: $SLIPWAY_OUT_RELEASE_NOTE" >> "$STATE_DIR/outputs-seen"; echo "$SLIPWAY_VERSION" > "$STATE_DIR/$SLIPWAY_ENVIRONMENT.version"; echo "$SLIPWAY_ENVIRONMENT: $SLIPWAY_FAILED_VERSION -> $SLIPWAY_VERSION" >> "$STATE_DIR/rollbacks"; echo "rolled back"';

/**
 * dev and prod: deploy, verify and rollback commands. qa: also a status command, and the
 * service's address (the test's stand-in service), where probes go and whose error rate
 * (an http metric source) the analysis watches after the switch.
 */
function serviceYaml(stateDir: string, serviceUrl: string): string {
  const target = { driver: "script", deploy: DEPLOY, verify: VERIFY, rollback: ROLLBACK, timeout: "3s", retry_backoff: "50ms" };
  const config = { STATE_DIR: stateDir, API_TOKEN: { secret: "env:E2E_API_TOKEN" } };
  const qa = {
    target: { ...target, status: 'test -s "$STATE_DIR/$SLIPWAY_ENVIRONMENT.version"', url: serviceUrl, analyse_for: "2s" },
    verify: {
      probes: [{ http: "/healthz", expect_body: "ok" }],
      analysis: { interval: "500ms", metrics: [{ name: "error-rate", source: "http", url: `${serviceUrl}/errors.json`, query: "rate", max: 0.05 }] },
    },
  };
  return YAML.stringify({
    service: SERVICE,
    owner: "team-platform",
    environments: { dev: { target }, prod: { target, requires: { promoted_from: "dev" } }, qa, ops: { target: { ...target, timeout: "2m" } } },
    config: { dev: config, prod: config, qa: config, ops: config },
  });
}

/** The deployed service as the outside sees it: a health endpoint and an error rate the test sets. */
async function startStandIn(): Promise<{ url: string; setErrorRate(rate: number): void; close(): Promise<void> }> {
  let rate = 0;
  const server = createServer((req, res) => {
    if (req.url === "/healthz") return void res.end("ok");
    if (req.url === "/errors.json") return void res.setHeader("content-type", "application/json").end(JSON.stringify({ rate }));
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setErrorRate: (r) => void (rate = r),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Pushes an artifact: a release note and the marker files that make this build misbehave. */
async function pushRelease(fx: PlaneFixture, version: string, markers: ("hang" | "flaky" | "broken")[] = []): Promise<void> {
  const dir = await mkdtemp(join(fx.workDir, `release-${version}-`));
  await writeFile(join(dir, "release.txt"), `release ${version}\n`);
  for (const m of markers) await writeFile(join(dir, m), "");
  await fx.api.ok("PUT", `/artifacts/${SERVICE}/${version}`, await packToBuffer(dir, fx.workDir));
}

async function deployAndWait(api: Api, environment: string, version: string): Promise<DeploymentDetail> {
  return waitForEnd(api, await api.deploy(SERVICE, environment, version));
}

/** The stored result of a deployment's script steps, by command. */
function scriptResult(detail: DeploymentDetail, command: string): { outcome: string; attempts: { exitCode: number | null; output: string; timedOut: boolean }[]; outputs: Record<string, string> } {
  for (const step of detail.steps) {
    const result = step.result as Record<string, unknown> | null;
    const script = (result?.script ?? (result?.details as Record<string, unknown> | undefined)?.script ?? result) as { name?: string } | null;
    if (script?.name === command) return script as ReturnType<typeof scriptResult>;
  }
  throw new Error(`no ${command} result in ${JSON.stringify(detail.steps)}`);
}


for (const dialect of TEST_DIALECTS) {
  describe(`script targets (${dialect})`, () => {
    const token = `tok-${randomBytes(12).toString("hex")}`;
    let fx: PlaneFixture;
    let stateDir: string;
    let standIn: Awaited<ReturnType<typeof startStandIn>>;
    const ids: string[] = [];
    const state = (name: string) => readFile(join(stateDir, name), "utf8");

    before(async () => {
      fx = await startPlane(dialect, { secretSource: { E2E_API_TOKEN: token } });
      stateDir = await mkdtemp(join(fx.workDir, "system-"));
      standIn = await startStandIn();
      await fx.api.apply(serviceYaml(stateDir, standIn.url));
      await pushRelease(fx, "1.0.0");
      await pushRelease(fx, "1.1.0");
      await pushRelease(fx, "2.0.0", ["broken"]);
      await pushRelease(fx, "3.0.0", ["hang"]);
      await pushRelease(fx, "4.0.0", ["flaky"]);
    });
    after(async () => {
      await standIn?.close();
      await fx?.cleanup();
    });

    test("a version goes dev → prod under the promotion gate, each deploy command run with the deployment's variables", async () => {
      const early = await deployAndWait(fx.api, "prod", "1.0.0");
      ids.push(early.deployment.id);
      assert.equal(early.deployment.state, "rejected", summarize(early));

      const dev = await deployAndWait(fx.api, "dev", "1.0.0");
      ids.push(dev.deployment.id);
      assert.equal(dev.deployment.state, "succeeded", summarize(dev));
      assert.deepEqual(dev.steps.map((s) => s.params.kind), ["script", "verify", "finalize"]);
      const { deployment } = await fx.api.ok<{ deployment: { id: string } }>("POST", "/promotions", { service: SERVICE, from: "dev", to: "prod" });
      const prod = await waitForEnd(fx.api, deployment.id);
      ids.push(prod.deployment.id);
      assert.equal(prod.deployment.state, "succeeded", summarize(prod));
      assert.equal(await state("prod.version"), "1.0.0\n");
      assert.equal(await state("prod.release"), "release 1.0.0\n", "SLIPWAY_ARTIFACT is the unpacked artifact");
      const deploy = scriptResult(prod, "deploy");
      assert.equal(deploy.outcome, "ok");
      assert.match(deploy.attempts[0]!.output, new RegExp(`deployed infra 1\\.0\\.0 over nothing to prod \\(${prod.deployment.id}\\) with token \\[REDACTED\\]`));
      assert.match(JSON.stringify(scriptResult(prod, "verify")), /verified/);

      const next = await deployAndWait(fx.api, "dev", "1.1.0");
      ids.push(next.deployment.id);
      assert.equal(next.deployment.state, "succeeded", summarize(next));
      assert.match(scriptResult(next, "deploy").attempts[0]!.output, /deployed infra 1\.1\.0 over 1\.0\.0 to dev/);
      const status = await fx.api.ok<{ environments: { environment: string; version: string | null; health: string }[] }>("GET", `/status?service=${SERVICE}`);
      assert.deepEqual(status.environments.map((e) => [e.environment, e.version]).sort(), [["dev", "1.1.0"], ["prod", "1.0.0"]]);
      assert.ok(status.environments.every((e) => e.health.startsWith("deployed by script")), JSON.stringify(status.environments));
    });

    test("a failing verify command rolls back by the rollback command, with the previous version", async () => {
      const bad = await deployAndWait(fx.api, "dev", "2.0.0");
      ids.push(bad.deployment.id);
      assert.equal(bad.deployment.state, "rolled_back", summarize(bad));
      assert.match(bad.deployment.error ?? "", /the verify command \(target\.verify: .*\) exited with code 1: health check failed for 2\.0\.0/);
      const failed = bad.steps.find((s) => s.state === "failed");
      assert.equal(failed?.params.kind, "verify");
      assert.match(JSON.stringify(failed?.result), /health check failed for 2\.0\.0/, "the failing command's output is stored with the step");
      assert.equal(await state("dev.version"), "1.1.0\n");
      assert.match(await state("rollbacks"), /^dev: 2\.0\.0 -> 1\.1\.0$/m);
      assert.deepEqual(scriptResult(bad, "deploy").outputs, { RELEASE_NOTE: "release 2.0.0", TOKEN_SEEN: "[REDACTED]" }, "output variables are stored, redacted");
      assert.match(await state("outputs-seen"), /^dev: release 2\.0\.0$/m, "the rollback command got the deploy command's output variable");
      const restored = bad.timeline.find((e) => e.action === "traffic.restored");
      assert.deepEqual(restored?.payload, { version: "1.1.0", replicas: 0, weights: [], via: "rollback" });
    });

    test("exit 75 is retried with back-off and then succeeds", async () => {
      const flaky = await deployAndWait(fx.api, "dev", "4.0.0");
      ids.push(flaky.deployment.id);
      assert.equal(flaky.deployment.state, "succeeded", summarize(flaky));
      const deploy = scriptResult(flaky, "deploy");
      assert.deepEqual(deploy.attempts.map((a) => a.exitCode), [75, 75, 0]);
      assert.match(deploy.attempts[0]!.output, /lock held, try again/);
      assert.equal(await state("dev.version"), "4.0.0\n");
    });

    test("a hanging deploy command is killed at its timeout, named in a clear error, and rolled back", async () => {
      const hung = await deployAndWait(fx.api, "dev", "3.0.0");
      ids.push(hung.deployment.id);
      assert.equal(hung.deployment.state, "rolled_back", summarize(hung));
      assert.match(hung.deployment.error ?? "", /the deploy command \(target\.deploy: `if \[ -f .*…`\) timed out after 3\.0s \(target\.timeout\); its process group was killed/);
      const deploy = scriptResult(hung, "deploy");
      assert.equal(deploy.outcome, "timed_out");
      assert.match(deploy.attempts[0]!.output, /waiting for the cluster/, "the output up to the kill is kept");
      assert.deepEqual(processesWithEnv("SLIPWAY_DEPLOYMENT_ID", hung.deployment.id), [], "nothing of the command is left running");
      assert.equal(await state("dev.version"), "4.0.0\n", "the rollback put the previous version back");
      assert.match(await state("rollbacks"), /^dev: 3\.0\.0 -> 4\.0\.0$/m);
    });

    test("a cancel stops a long command at once and runs the rollback command (nothing to restore on a first deploy)", async () => {
      const id = await fx.api.deploy(SERVICE, "ops", "3.0.0");
      ids.push(id);
      await waitFor("the deploy command to run", async () => (processesWithEnv("SLIPWAY_DEPLOYMENT_ID", id).length > 0 ? true : undefined));
      await fx.api.ok("POST", `/deployments/${id}/cancel`, {});
      const cancelled = await waitForEnd(fx.api, id);
      assert.equal(cancelled.deployment.state, "cancelled", summarize(cancelled));
      const rollback = cancelled.timeline.find((e) => e.action === "script.ran" && (e.payload as { command: string }).command === "rollback");
      const ran = rollback?.payload as { outcome: string; attempts: { output: string }[] } | undefined;
      assert.equal(ran?.outcome, "ok", JSON.stringify(cancelled.timeline));
      assert.equal(ran.attempts[0]!.output, "rolled back\n", "the rollback's output is on the record");
      assert.deepEqual(processesWithEnv("SLIPWAY_DEPLOYMENT_ID", id).filter((pid) => pid !== process.pid), [], "the hanging command is gone");
      assert.match(await state("rollbacks"), /^ops: 3\.0\.0 -> $/m, "the rollback command got an empty SLIPWAY_VERSION");
      assert.match(JSON.stringify(cancelled.timeline.filter((e) => e.action === "script.ran")), /"command":"deploy","outcome":"cancelled"/);
    });

    test("status, probes at the target's url and analysis of an external metric apply; a failing analysis rolls back", async () => {
      const good = await deployAndWait(fx.api, "qa", "1.0.0");
      ids.push(good.deployment.id);
      assert.equal(good.deployment.state, "succeeded", summarize(good));
      assert.deepEqual(good.steps.map((s) => s.params.kind), ["script", "script", "verify", "analyse", "finalize"]);
      assert.equal(scriptResult(good, "status").outcome, "ok");
      assert.match(JSON.stringify(good.steps[2]!.result), /"ok":true/, "the probe at the url passed");
      assert.ok(good.decisions.length > 0 && good.decisions.every((x) => x.verdict === "pass"), JSON.stringify(good.decisions));

      standIn.setErrorRate(0.5);
      const bad = await deployAndWait(fx.api, "qa", "1.1.0");
      ids.push(bad.deployment.id);
      assert.equal(bad.deployment.state, "rolled_back", summarize(bad));
      assert.match(bad.deployment.error ?? "", /analysis failed: error-rate/);
      assert.equal(await state("qa.version"), "1.0.0\n");
      assert.match(await state("rollbacks"), /^qa: 1\.1\.0 -> 1\.0\.0$/m);
      standIn.setErrorRate(0);
    });

    test("the secret the commands print is redacted in stored output, API answers, events, files and the database", async () => {
      const answers = await Promise.all([fx.api.call("GET", `/status?service=${SERVICE}`), fx.api.call("GET", `/deployments?service=${SERVICE}`), ...ids.map((id) => fx.api.call("GET", `/deployments/${id}`))]);
      assert.ok(answers.some((a) => a.text.includes("with token [REDACTED]")), "the redacted line is there to see");
      for (const a of answers) {
        assert.equal(a.status, 200, a.text);
        assert.equal(a.text.includes(token), false, `an API answer contains the secret: ${a.text.slice(0, 300)}`);
      }
      for (const id of ids) assert.equal((await readEventStream(fx.api, id)).includes(token), false, "an event stream contains the secret");
      const shown = await runCli(["show", ids[1]!], { env: { SLIPWAY_SERVER: fx.api.url, SLIPWAY_TOKEN: fx.api.token } });
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /output of deploy \(step 1, attempt 1, exit 0\):\n {2}\| deployed infra 1\.0\.0 over nothing to dev .* with token \[REDACTED\]/);
      assert.match(shown.stdout, /deploy command: ok \(exit 0\)/);
      assert.equal(shown.stdout.includes(token), false, "slipway show prints the secret");
      const serverLog = await readFile(join(fx.dataDir, "server.log"), "utf8");
      assert.match(serverLog, /with token \[REDACTED\]/, "the server log shows the command's output, redacted");
      for (const file of await filesUnder(fx.dataDir)) assert.equal((await readFile(file)).includes(token), false, `${file} contains the secret`);
      assert.equal((await dumpDatabase(fx.plane.store)).includes(token), false, "a table contains the secret");
    });
  });
}

test("slipway lint refuses a bad script target with file:line:column errors and exit 2", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slipway-script-lint-"));
  try {
    const file = join(dir, "slipway.yaml");
    await writeFile(
      file,
      ["service: infra", "owner: team-platform", "environments:", "  prod:", "    target: { driver: script, deploy: ./deploy.sh, timeout: 2d }", "    strategy: { type: canary, steps: [{ weight: 10 }] }", ""].join("\n"),
    );
    const result = await runCli(["lint", file]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const text = result.stdout + result.stderr;
    assert.match(text, /slipway\.yaml:5:\d+: .*timeout must be at most 6h/);
    assert.match(text, /slipway\.yaml:6:\d+: .*cannot run a canary strategy/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
