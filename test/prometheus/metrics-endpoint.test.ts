/**
 * GET /metrics on both databases: after one deployment the exposition parses line by line and
 * carries the deployment, its steps, the queue, the outbox and the router's series.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd } from "../helpers/http.js";

/** Prometheus text format 0.0.4: comments, or `name{labels} value`. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const dialect of TEST_DIALECTS) {
  describe(`GET /metrics (${dialect})`, () => {
    let f: PlaneFixture;
    before(async () => {
      f = await startPlane(dialect);
    });
    after(() => f?.cleanup());

    test("every line parses, and the series say what happened", async () => {
      await f.api.apply(helloYaml("metered", { dev: { strategy: { type: "blue-green" } } }));
      await f.pushHello("metered", "1.0.0");
      const done = await waitForEnd(f.api, await f.api.deploy("metered", "dev", "1.0.0"));
      assert.equal(done.deployment.state, "succeeded", summarize(done));
      await fetch(await f.api.routerUrl("metered", "dev")).then((r) => r.text());

      const res = await fetch(`${f.plane.url}/metrics`, { headers: { authorization: `Bearer ${f.api.token}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      for (const line of text.split("\n")) if (line && !line.startsWith("#")) assert.match(line, SAMPLE);

      assert.equal(value(text, 'slipway_deployments_total{service="metered",environment="dev",strategy="blue-green",result="succeeded"}'), 1);
      assert.equal(value(text, "slipway_deployment_queue_depth"), 0);
      assert.ok((value(text, 'slipway_step_duration_seconds_count{kind="start"}') ?? 0) >= 1, text);
      assert.equal(value(text, 'slipway_step_duration_seconds_bucket{kind="start",le="+Inf"}'), value(text, 'slipway_step_duration_seconds_count{kind="start"}'));
      assert.equal(value(text, 'slipway_notification_outbox_messages{state="pending"}'), 0);
      assert.equal(value(text, "slipway_router_up"), 1);
      assert.equal(value(text, `slipway_router_requests_total{service="metered",environment="dev",version="1.0.0"}`), 1, text.split("\n").filter((l) => l.startsWith("slipway_router")).join("\n"));
      assert.equal(value(text, 'slipway_router_request_duration_seconds_count{service="metered",environment="dev",version="1.0.0"}'), 1);
    });
  });
}
