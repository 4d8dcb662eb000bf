import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { AnalysisConfig, MetricConfig } from "../core/index.js";
import { evaluateExternalMetric, queryHttpJson, queryPrometheus } from "./external.js";
import { analyseWindow, checkMetricConfig } from "./run.js";
import { windowOf } from "./testing.js";

/**
 * Prometheus is a third-party service here, played by a local HTTP server that answers the
 * way Prometheus' /api/v1/query does and records every query it got.
 */
describe("external metric sources", () => {
  let server: http.Server;
  let base: string;
  const received: { path: string; query: string | null }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const query = url.searchParams.get("query");
      received.push({ path: url.pathname, query });
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const vector = (...values: string[]) =>
        json(200, {
          status: "success",
          data: { resultType: "vector", result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1_767_225_600, v] })) },
        });
      if (url.pathname === "/prom/api/v1/query") {
        if (query === "sum(rate(checkout_errors_total[1m]))") return vector("3.5");
        if (query === "scalar(vector(7))") return json(200, { status: "success", data: { resultType: "scalar", result: [1, "7"] } });
        if (query === "absent_series") return vector();
        if (query === "rate(checkout_errors_total[1m])") return vector("1", "2");
        if (query === "nan") return vector("NaN");
        return json(400, { status: "error", errorType: "bad_data", error: `parse error: unexpected "${query}"` });
      }
      if (url.pathname === "/json") return json(200, { data: { value: 0.42, text: "n/a" }, list: [{ count: "12" }] });
      if (url.pathname === "/broken") return res.writeHead(502).end("bad gateway");
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test("queryPrometheus sends the PromQL to /api/v1/query under the base URL and reads one sample", async () => {
    received.length = 0;
    const value = await queryPrometheus(`${base}/prom`, "sum(rate(checkout_errors_total[1m]))", { timeoutMs: 5_000 });
    assert.equal(value, 3.5);
    assert.deepEqual(received, [{ path: "/prom/api/v1/query", query: "sum(rate(checkout_errors_total[1m]))" }]);
  });

  test("a scalar result is read; an empty vector or NaN is no data", async () => {
    assert.equal(await queryPrometheus(`${base}/prom/`, "scalar(vector(7))", { timeoutMs: 5_000 }), 7);
    assert.equal(await queryPrometheus(`${base}/prom`, "absent_series", { timeoutMs: 5_000 }), null);
    assert.equal(await queryPrometheus(`${base}/prom`, "nan", { timeoutMs: 5_000 }), null);
  });

  test("several series and Prometheus errors are clear errors", async () => {
    await assert.rejects(queryPrometheus(`${base}/prom`, "rate(checkout_errors_total[1m])", { timeoutMs: 5_000 }), (err: Error & { hint?: string }) => {
      assert.match(err.message, /returned 2 series .*expected one/);
      assert.match(err.hint ?? "", /sum\(\.\.\.\)/);
      return true;
    });
    await assert.rejects(queryPrometheus(`${base}/prom`, "sum(", { timeoutMs: 5_000 }), /Prometheus rejected the query: bad_data: parse error/);
  });

  test("queryHttpJson reads a number at a field path, and rejects what is not one", async () => {
    assert.equal(await queryHttpJson(`${base}/json`, { timeoutMs: 5_000, field: "data.value" }), 0.42);
    assert.equal(await queryHttpJson(`${base}/json`, { timeoutMs: 5_000, field: "list.0.count" }), 12);
    await assert.rejects(queryHttpJson(`${base}/json`, { timeoutMs: 5_000, field: "data.missing" }), /without the field "data.missing"/);
    await assert.rejects(queryHttpJson(`${base}/json`, { timeoutMs: 5_000, field: "data.text" }), /expected a number/);
    await assert.rejects(queryHttpJson(`${base}/broken`, { timeoutMs: 5_000 }), /HTTP 502/);
  });

  test("analyseWindow judges router and Prometheus metrics together", async () => {
    received.length = 0;
    const analysis: AnalysisConfig = {
      interval: 10_000,
      min_requests: 50,
      alpha: 0.01, on_inconclusive: "fail",
      metrics: [
        { name: "error-rate", source: "router", max: 0.01 },
        { name: "checkout-errors", source: "prometheus", url: `${base}/prom`, query: "sum(rate(checkout_errors_total[1m]))", max: 5 },
      ],
    };
    const good = await analyseWindow({ analysis, canary: windowOf({ requests: 100 }) });
    assert.equal(good.verdict, "pass");
    assert.equal(good.decisions[1]!.reason, "checkout-errors 3.5 ≤ max 5 (prometheus)");
    assert.equal(received.length, 1);
    const bad = await analyseWindow({ analysis, canary: windowOf({ requests: 100, errors: 20 }) });
    assert.equal(bad.verdict, "fail");
  });

  test("an unreachable source gives an inconclusive decision naming the error", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const analysis: AnalysisConfig = {
      interval: 10_000,
      min_requests: 50,
      alpha: 0.01, on_inconclusive: "fail",
      metrics: [{ name: "checkout-errors", source: "prometheus", url: `http://127.0.0.1:${port}`, query: "up", max: 5 }],
    };
    const r = await analyseWindow({ analysis, canary: windowOf({ requests: 100 }), timeoutMs: 5_000 });
    assert.equal(r.verdict, "inconclusive");
    assert.match(r.decisions[0]!.reason, /^checkout-errors: Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be read: connection refused$/);
  });
});

describe("external decisions and lint", () => {
  const metric: MetricConfig = { name: "queue-depth", source: "http", url: "http://127.0.0.1/x", max: 100 };

  test("max decides; no data is inconclusive", () => {
    assert.equal(evaluateExternalMetric({ metric, value: 250 }).verdict, "fail");
    assert.equal(evaluateExternalMetric({ metric, value: 250 }).reason, "queue-depth 250 > max 100 (http)");
    assert.equal(evaluateExternalMetric({ metric, value: 99 }).verdict, "pass");
    assert.equal(evaluateExternalMetric({ metric, value: null }).verdict, "inconclusive");
  });

  test("max_increase on an external source is inconclusive with the reason, and refused by lint", () => {
    const relative: MetricConfig = { ...metric, max: undefined, max_increase: 0.2 };
    const d = evaluateExternalMetric({ metric: relative, value: 1 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /max_increase needs a baseline/);
    assert.ok(checkMetricConfig(relative).some((p) => p.includes("only the router source")));
  });

  test("lint names router metrics it cannot measure and incomplete external ones", () => {
    assert.deepEqual(checkMetricConfig({ name: "latency-p95", source: "router", max: 200 }), []);
    assert.equal(checkMetricConfig({ name: "saturation", source: "router", max: 1 }).length, 1);
    assert.deepEqual(checkMetricConfig({ name: "x", source: "prometheus", max: 1 }), [
      'metric "x" reads from prometheus and needs url:',
      'metric "x" needs query: (the PromQL to run)',
    ]);
  });
});
