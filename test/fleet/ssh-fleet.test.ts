/**
 * The ssh driver against a fleet of real hosts: network namespaces running Debian's sshd, HAProxy
 * in front driven through its Runtime API, a control plane deploying over them. A rolling deploy
 * under steady load, a canary by host with a bad build, a host whose link is cut mid-deployment,
 * and a host whose key does not match known_hosts.
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseTable, runtimeCommand } from "../../src/router/haproxy/runtime-api.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, startPlane, type EnvironmentSpec, type PlaneFixture } from "../helpers/fixture.js";
import { sleep, summarize, waitFor, waitForEnd } from "../helpers/http.js";
import { loadSummary, startLoad } from "../helpers/load.js";
import { fleetUnavailable, startFleet, type Fleet } from "./fleet.js";

const SERVICE = "fleet";
const skipReason = await fleetUnavailable();

// On both databases: a fleet is where a team runs the control plane on PostgreSQL, and SQLite is the default.
for (const dialect of TEST_DIALECTS) describe(`the ssh driver over a fleet of 4 hosts behind HAProxy (${dialect})`, { skip: skipReason ?? false }, () => {
  let fleet: Fleet;
  let fx: PlaneFixture;

  const target = (overrides: Record<string, unknown> = {}) => ({
    driver: "ssh",
    hosts: fleet.hosts,
    user: "root",
    key: { file: fleet.keyFile },
    known_hosts: fleet.knownHosts,
    connect_timeout: "3s",
    root: fleet.root,
    balancer: { url: fleet.haproxy.url, haproxy: { socket: fleet.haproxy.socket, backend: fleet.haproxy.backend } },
    ...overrides,
  });
  const apply = (prod: EnvironmentSpec, extra: Record<string, EnvironmentSpec> = {}) =>
    fx.api.apply(helloYaml(SERVICE, { prod, ...extra }, { config: Object.fromEntries(["prod", ...Object.keys(extra)].map((e) => [e, { HOST: "0.0.0.0" }])) }));
  const rolling = () => ({ target: target(), strategy: { type: "rolling", batch: 1 }, verify: { probes: [{ http: "/healthz" }] } });

  /** The versions whose replicas run on host i: each live replica's run directory names its release. */
  async function versionsOnHost(i: number): Promise<string[]> {
    const runDir = join(fleet.hostRoot(i), ".run");
    const ids = await readdir(runDir).catch(() => [] as string[]);
    const releases = await Promise.all(ids.map((id) => readFile(join(runDir, id, "release"), "utf8").catch(() => "")));
    return releases.map((r) => r.trim().split("/").pop() ?? "").filter(Boolean).sort();
  }

  /** Versions of the servers HAProxy sends traffic to (not drained, not in maintenance). */
  async function haproxyVersions(): Promise<string[]> {
    const rows = parseTable(await runtimeCommand(fleet.haproxy.socket, "show stat"), /,/);
    const live = rows.filter((r) => r.pxname === fleet.haproxy.backend && r.svname?.startsWith("slw_") && r.status !== "DRAIN" && r.status !== "MAINT");
    return [...new Set(live.map((r) => r.svname!.split("_").slice(2).join("_")))].sort();
  }

  before(async () => {
    fleet = await startFleet(4);
    fx = await startPlane(dialect, { settings: { sweepIntervalMs: 1_000 } });
    await apply(rolling());
    await fx.pushHello(SERVICE, "1.0.0");
    await fx.pushHello(SERVICE, "2.0.0");
    await fx.pushHello(SERVICE, "3.0.0", { failRate: 0.5 });
    await fx.pushHello(SERVICE, "4.0.0");
    await fx.pushHello(SERVICE, "5.0.0");
  });
  after(async () => {
    await fx?.cleanup();
    await fleet?.stop();
  });

  test("the first version is copied to every host, unpacked into its release directory and served through HAProxy", async () => {
    const detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "prod", "1.0.0"));
    assert.equal(detail.deployment.state, "succeeded", summarize(detail));
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await versionsOnHost(i), ["1.0.0"], `host ${i} runs 1.0.0 once`);
      const release = await readFile(join(fleet.hostRoot(i), SERVICE, "releases", "1.0.0", ".slipway-digest"), "utf8");
      assert.match(release.trim(), /^[0-9a-f]{64}$/);
    }
    assert.deepEqual(await haproxyVersions(), ["1.0.0"]);
    assert.equal(await fx.api.routerUrl(SERVICE, "prod"), fleet.haproxy.url, "status names the balancer's URL");
    const res = await fetch(fleet.haproxy.url);
    assert.equal((await res.text()).trim(), "hello from 1.0.0");
  });

  test("a rolling deploy host by host under steady load ends with 0 failed requests and the previous release kept", async () => {
    const load = startLoad(fleet.haproxy.url, { concurrency: 2, maxDurationMs: 120_000 });
    let report;
    try {
      const detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "prod", "2.0.0"));
      assert.equal(detail.deployment.state, "succeeded", summarize(detail));
      assert.equal(detail.steps.filter((s) => s.params.kind === "start").length, 4, "one batch per host");
      await sleep(300);
    } finally {
      report = await load.stop();
    }
    assert.equal(report.failures.length, 0, loadSummary(report));
    assert.ok(report.sent > 50, loadSummary(report));
    assert.deepEqual(Object.keys(report.versions).sort(), ["1.0.0", "2.0.0"], loadSummary(report));
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await versionsOnHost(i), ["2.0.0"], `host ${i} runs only 2.0.0`);
      const releases = (await readdir(join(fleet.hostRoot(i), SERVICE, "releases"))).sort();
      assert.deepEqual(releases, ["1.0.0", "2.0.0"], `host ${i} keeps the previous release for a rollback`);
    }
    assert.deepEqual(await haproxyVersions(), ["2.0.0"]);
  });

  test("a canary by host with a bad build meets one host's share of traffic and is rolled back automatically", async () => {
    await apply({
      target: target(),
      strategy: { type: "canary", steps: [{ weight: 25, pause: "20s" }, { weight: 100 }] },
      verify: { analysis: { interval: "500ms", min_requests: 20, metrics: [{ name: "error-rate", max: 0.05 }] } },
    });
    const load = startLoad(fleet.haproxy.url, { concurrency: 2, maxDurationMs: 120_000 });
    let report;
    let detail;
    try {
      detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "prod", "3.0.0"));
    } finally {
      report = await load.stop();
    }
    assert.equal(detail.deployment.state, "rolled_back", summarize(detail));
    const firstStart = detail.steps.find((s) => s.params.kind === "start");
    assert.equal((firstStart?.result as { replicas: unknown[] }).replicas.length, 1, "the canary ran on one host");
    assert.ok(detail.decisions.some((x) => x.check === "error-rate" && x.verdict === "fail"), `error-rate failed: ${JSON.stringify(detail.decisions)}`);
    assert.ok((report.versions["3.0.0"] ?? 0) > 0, `the canary got traffic: ${loadSummary(report)}`);
    assert.equal(report.failures.filter((f) => f.kind === "error").length, 0, `no request went unanswered: ${loadSummary(report)}`);
    for (let i = 0; i < 4; i++) assert.deepEqual(await versionsOnHost(i), ["2.0.0"], `host ${i} is back on 2.0.0 only`);
    assert.deepEqual(await haproxyVersions(), ["2.0.0"]);
  });

  test("a host whose link is cut mid-deployment: the policy is applied and recorded, and no host is left half-deployed", async () => {
    await apply(rolling());
    const id = await fx.api.deploy(SERVICE, "prod", "4.0.0");
    // Cut the third host once the first host has moved to 4.0.0.
    await waitFor("the first host to take traffic", async () => ((await fx.api.show(id)).steps.some((s) => s.params.kind === "shift" && s.state === "done") ? true : undefined), 60_000);
    await fleet.cutLink(2);
    let detail;
    try {
      detail = await waitForEnd(fx.api, id, 120_000);
    } finally {
      await fleet.restoreLink(2);
    }
    assert.equal(detail.deployment.state, "rolled_back", summarize(detail));
    const failure = detail.timeline.find((e) => e.action === "host.failed") as { payload: Record<string, unknown> } | undefined;
    assert.ok(failure, `a host.failed event: ${summarize(detail)}`);
    assert.equal(failure.payload.host, fleet.hosts[2]);
    assert.equal(failure.payload.policy, "rollback");
    assert.equal(failure.payload.decision, "rollback");
    // Once the host answers again, the sweep stops what the rollback could not reach.
    for (let i = 0; i < 4; i++) {
      await waitFor(`host ${i} back on 2.0.0 only`, async () => ((await versionsOnHost(i)).join() === "2.0.0" ? true : undefined), 60_000, 500);
    }
    assert.deepEqual(await haproxyVersions(), ["2.0.0"]);
  });

  test("continue_below: a deployment goes on without an unreachable host that is within the share, on the record", async () => {
    await apply({ ...rolling(), target: target({ on_host_failure: { continue_below: "25%" } }) });
    await fleet.cutLink(3);
    let detail;
    try {
      detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "prod", "5.0.0"), 120_000);
    } finally {
      await fleet.restoreLink(3);
    }
    assert.equal(detail.deployment.state, "succeeded", summarize(detail));
    const failure = detail.timeline.find((e) => e.action === "host.failed") as { payload: Record<string, unknown> } | undefined;
    assert.ok(failure, `a host.failed event: ${summarize(detail)}`);
    assert.equal(failure.payload.host, fleet.hosts[3]);
    assert.deepEqual(failure.payload.policy, { continue_below: 0.25 });
    assert.equal(failure.payload.decision, "continue");
    for (let i = 0; i < 3; i++) assert.deepEqual(await versionsOnHost(i), ["5.0.0"], `host ${i} runs 5.0.0`);
    assert.deepEqual(await haproxyVersions(), ["5.0.0"]);
    // The host left out runs nothing once it answers again: its old replica is stopped by the sweep.
    await waitFor("host 3 cleaned up", async () => ((await versionsOnHost(3)).length === 0 ? true : undefined), 60_000, 500);
  });

  test("a host whose key does not match known_hosts is refused, naming the fingerprint it offered", async () => {
    await apply(rolling(), { keyed: { target: target({ hosts: [fleet.hosts[0]], known_hosts: fleet.wrongKnownHosts, balancer: undefined }), strategy: { type: "rolling", batch: 1 } } });
    const detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "keyed", "2.0.0"));
    assert.notEqual(detail.deployment.state, "succeeded");
    const error = `${detail.deployment.error ?? ""}`;
    assert.match(error, new RegExp(`host key of ${fleet.hosts[0]!.replaceAll(".", "\\.")}:22 does not match`), summarize(detail));
    assert.ok(error.includes(await fleet.fingerprint(0)), `the offered fingerprint is named: ${error}`);
  });
});
