/**
 * Slipway and a real Prometheus server (Debian's package, started on a free port, scraping
 * every second): the server scrapes Slipway's /metrics with a viewer token and the series
 * arrive (checked through Prometheus' query API); and the `prometheus` analysis source reads a
 * PromQL error rate of a test service whose errors the test controls: a canary passes while
 * the rate is 0, and a canary during which the rate rises is rolled back.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { helloYaml } from "../helpers/fixture.js";
import { summarize, waitFor, waitForEnd } from "../helpers/http.js";
import { startPrometheus, type PrometheusServer } from "../helpers/prometheus.js";
import { startReceiver, type TestReceiver } from "../../src/notify/testing.js";
import YAML from "yaml";
import { ensureRouterDaemon, stopRouterDaemon } from "../../src/router/index.js";

const SERVICE = "promsvc";
const ERROR_RATE = "sum(rate(app_errors_total[4s])) / sum(rate(app_requests_total[4s]))";

/** A service that reports request and error counters; the test sets its error share. */
async function startCountingService(): Promise<{ server: Server; target: string; setErrorShare(share: number): void; stop(): void }> {
  let requests = 0;
  let errors = 0;
  let share = 0;
  const tick = setInterval(() => {
    requests += 20;
    errors += Math.round(20 * share);
  }, 100);
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`# TYPE app_requests_total counter\napp_requests_total ${requests}\n# TYPE app_errors_total counter\napp_errors_total ${errors}\n`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    server,
    target: `127.0.0.1:${port}`,
    setErrorShare: (s) => (share = s),
    stop: () => {
      clearInterval(tick);
      server.close();
    },
  };
}

describe("Prometheus: a real server scrapes /metrics, and its PromQL error rate rolls a canary back", () => {
  let f: PlaneFixture;
  let prom: PrometheusServer;
  let app: Awaited<ReturnType<typeof startCountingService>>;
  let slack: TestReceiver;

  before(async () => {
    slack = await startReceiver();
    f = await startPlane("sqlite", { secretSource: { SLACK_URL: `${slack.url}/services/T1/B1/xyz` } });
    app = await startCountingService();
    const { token } = await f.api.ok<{ token: string }>("POST", "/tokens", { name: "prometheus", role: "viewer" });
    prom = await startPrometheus([
      { name: "slipway", target: new URL(f.plane.url).host, token },
      { name: "app", target: app.target },
    ]);
  });
  after(async () => {
    await prom?.stop();
    app?.stop();
    await slack?.close();
    await f?.cleanup();
  });

  test("/metrics needs a viewer token; Prometheus scrapes it with one", async () => {
    const anonymous = await fetch(`${f.plane.url}/metrics`);
    assert.equal(anonymous.status, 401);
    await waitFor("the slipway target up", async () => ((await prom.query('up{job="slipway"} == 1')).length === 1 ? true : undefined), 20_000, 250);
  });

  test("a canary passes while the PromQL error rate is 0, and is rolled back when it rises", async () => {
    const env = {
      target: { driver: "process", replicas: 1 },
      strategy: { type: "canary", steps: [{ weight: 50, pause: "6s" }, { weight: 100 }] },
      verify: { analysis: { interval: "1s", on_inconclusive: "fail", metrics: [{ name: "app-error-rate", source: "prometheus", url: prom.url, query: ERROR_RATE, max: 0.05 }] } },
    };
    const config = YAML.parse(helloYaml(SERVICE, { prod: env })) as Record<string, unknown>;
    config.notifications = { destinations: { ops: { type: "slack", url: { secret: "env:SLACK_URL" } } }, routes: [{ events: ["deployment.rolled_back"], to: ["ops"] }] };
    await f.api.apply(YAML.stringify(config));
    for (const v of ["1.0.0", "2.0.0", "3.0.0"]) await f.pushHello(SERVICE, v);
    await waitFor("the app's rate in Prometheus", async () => ((await prom.query(ERROR_RATE)).length === 1 ? true : undefined), 20_000, 250);

    const first = await waitForEnd(f.api, await f.api.deploy(SERVICE, "prod", "1.0.0"));
    assert.equal(first.deployment.state, "succeeded", summarize(first));
    const good = await waitForEnd(f.api, await f.api.deploy(SERVICE, "prod", "2.0.0"));
    assert.equal(good.deployment.state, "succeeded", summarize(good));

    const badId = await f.api.deploy(SERVICE, "prod", "3.0.0");
    await waitFor("the canary step", async () => {
      const d = await f.api.show(badId);
      return d.steps.some((s) => s.params.kind === "analyse" && s.state === "running") ? true : undefined;
    }, 60_000, 100);
    app.setErrorShare(0.4);
    const bad = await waitForEnd(f.api, badId);
    assert.equal(bad.deployment.state, "rolled_back", summarize(bad));
    const failing = bad.decisions.filter((d) => d.check === "app-error-rate" && d.verdict === "fail");
    assert.ok(failing.length > 0, summarize(bad));
    const observed = (failing[0]!.numbers as { value: number }).value;
    assert.ok(observed > 0.05 && observed <= 0.45, `observed error rate ${observed}`);
    app.setErrorShare(0);
    // The Slack message of the rollback carries the verdict with its numbers.
    await waitFor("the rollback's Slack message", async () => (slack.accepted().size === 1 ? true : undefined), 20_000, 100);
    const message = JSON.parse([...slack.accepted().values()][0]![0]!.body) as { text: string; blocks: { text?: { text: string } }[] };
    assert.match(message.text, /promsvc 3\.0\.0 was rolled back in prod/);
    const verdict = message.blocks.map((b) => b.text?.text ?? "").find((t) => t.startsWith("*Verdict*"));
    assert.match(verdict ?? "", /app-error-rate: fail \(requests=1, value=0\.\d+, limit=0\.05\)/);
  });

  test("Slipway's series arrived in Prometheus: deployments by result, steps, verdicts, queue, leases, outbox, router", async () => {
    const routerUrl = await f.api.routerUrl(SERVICE, "prod");
    for (let i = 0; i < 20; i++) await fetch(routerUrl).then((r) => r.text());
    const expectations: [string, (v: number) => boolean][] = [
      [`slipway_deployments_total{service="${SERVICE}",environment="prod",strategy="canary",result="succeeded"}`, (v) => v === 2],
      [`slipway_deployments_total{service="${SERVICE}",result="rolled_back"}`, (v) => v === 1],
      ['sum(slipway_step_duration_seconds_count{kind="analyse"})', (v) => v >= 2],
      ['sum(slipway_analysis_verdicts_total{check="app-error-rate",verdict="fail"})', (v) => v >= 1],
      ['slipway_verifications_total{kind="analyse",verdict="fail"}', (v) => v === 1],
      ["slipway_deployment_queue_depth", (v) => v === 0],
      ["slipway_lease_renewals_total", (v) => v >= 1],
      ['slipway_notification_outbox_messages{state="pending"}', (v) => v === 0],
      [`sum(slipway_router_requests_total{service="${SERVICE}",environment="prod"})`, (v) => v >= 20],
      [`sum(slipway_router_request_duration_seconds_bucket{service="${SERVICE}",le="+Inf"})`, (v) => v >= 20],
    ];
    for (const [promql, ok] of expectations) {
      await waitFor(`${promql} in Prometheus`, async () => {
        const result = await prom.query(promql);
        return result.length > 0 && ok(Number(result[0]!.value[1])) ? true : undefined;
      }, 20_000, 250);
    }

    // The router's counters continue across a restart of the router daemon.
    const scrape = async () => {
      const answer = await f.api.call("GET", "/../../metrics");
      assert.equal(answer.status, 200, answer.text);
      return answer.text;
    };
    const before = sampleSum(await scrape(), "slipway_router_requests_total", { service: SERVICE, environment: "prod" });
    assert.ok(before >= 20, `router requests before the restart: ${before}`);
    await stopRouterDaemon(f.dataDir);
    // While it is down the scrape still answers, without router series.
    const whileDown = await scrape();
    assert.match(whileDown, /^slipway_router_up 0$/m);
    assert.match(whileDown, /^slipway_deployment_queue_depth 0$/m);
    await ensureRouterDaemon({ dataDir: f.dataDir, host: "127.0.0.1" });
    const back = await waitFor("the router in the scrape again", async () => {
      const text = await scrape();
      return /^slipway_router_up 1$/m.test(text) ? text : undefined;
    }, 20_000, 200);
    const afterRestart = sampleSum(back, "slipway_router_requests_total", { service: SERVICE, environment: "prod" });
    assert.ok(afterRestart >= before, `router requests went from ${before} to ${afterRestart} across the restart`);
  });
});

/** The value of one sample line of a /metrics answer (summed over matching lines). */
function sampleSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
