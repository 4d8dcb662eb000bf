/**
 * `npm run bench:web [-- --services N --deployments N --follow-seconds S]`: the web dashboard at
 * a large company's scale, measured in the real browser (Debian's Chromium).
 *
 * Fleet: 10,000 services × 3 environments and 1,000,000 finished deployments, bulk-loaded into
 * SQLite (test/web/fleet.ts). Measured: first useful paint of the environments matrix and of a
 * service page (navigation start → the table's rows in the DOM), the answer to a search
 * keystroke (keydown → the matrix showing that query's rows), the JavaScript of the first page
 * (gzipped), and the JS heap of a deployment page following 1 event per second. Each UI figure is
 * printed beside its baseline, measured in the same run: the API call alone, from Node.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { appendAuditEvent } from "../src/audit/index.js";
import { openStore } from "../src/store/index.js";
import { PACKAGE_ROOT, startPlane, type PlaneFixture } from "../test/helpers/fixture.js";
import { launchChromium, signedIn } from "../test/web/browser.js";
import { fleetServiceName, seedFleet } from "../test/web/fleet.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SERVICES = arg("services", 10_000);
const DEPLOYMENTS = arg("deployments", 1_000_000);
const FOLLOW_S = arg("follow-seconds", 120);
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const rows: string[] = [];
function report(what: string, measured: string, baseline: string, goal: string, met: boolean | null): void {
  const line = `| ${what} | ${measured} | ${baseline} | ${goal} | ${met === null ? "—" : met ? "met" : "**missed**"} |`;
  rows.push(line);
  console.log(line);
}

async function apiTime(fx: PlaneFixture, path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await fetch(`${fx.plane.url}/api/v1${path}`, { headers: { authorization: `Bearer ${fx.api.token}` } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${path} answered ${r.status}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Navigation start → `selector` in the DOM, read from the page's own clock by a MutationObserver
 * that an init script installs before any of the page's code runs (not by polling from outside).
 */
const WATCH = `(() => {
  const selector = sessionStorage.getItem("bench.selector");
  if (!selector) return;
  const seen = () => { if (!window.__paintAt && document.querySelector(selector)) window.__paintAt = performance.now(); };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();`;
const watching = new WeakSet<Page>();

async function paint(page: Page, url: string, selector: string): Promise<number> {
  if (!watching.has(page)) {
    await page.addInitScript(WATCH);
    watching.add(page);
  }
  await page.evaluate(`sessionStorage.setItem("bench.selector", ${JSON.stringify(selector)})`);
  await page.goto(url, { waitUntil: "commit" });
  return pollPage(page, "window.__paintAt || 0");
}

/** Polls an expression until it is non-zero. The times are taken inside the page; polling only waits for them. */
async function pollPage(page: Page, expression: string, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate<number>(expression);
    if (v > 0) return v;
    if (Date.now() > until) {
      const shown = await page.evaluate<string>("(document.querySelector('main') || document.body).innerText.slice(0, 400)");
      throw new Error(`timed out waiting for ${expression} on ${page.url()}; the page shows: ${shown}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The JavaScript the first page loads, as the control plane sends it to a browser that accepts gzip. */
async function firstPageJs(fx: PlaneFixture): Promise<{ raw: number; sent: number; files: string[] }> {
  const html = await (await fetch(`${fx.plane.url}/`)).text();
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let sent = 0;
  for (const f of files) {
    raw += (await readFile(join(PACKAGE_ROOT, "dist", "web", f))).length;
    const r = await fetch(fx.plane.url + f, { headers: { "accept-encoding": "gzip" } });
    await r.arrayBuffer();
    if (r.headers.get("content-encoding") !== "gzip") throw new Error(`${f} was not sent gzipped`);
    sent += Number(r.headers.get("content-length"));
  }
  return { raw, sent, files };
}

async function main(): Promise<void> {
  const seedStart = performance.now();
  let seeded = { services: 0, environments: 0, deployments: 0 };
  const fx = await startPlane("sqlite", {
    prepareDatabase: async (url) => {
      await (await openStore(url)).close();
      seeded = seedFleet(url.slice("sqlite:".length), { services: SERVICES, environments: ["dev", "staging", "prod"], deployments: DEPLOYMENTS, now: Date.now(), rolledBackEvery: 41 });
    },
  });
  console.log(`fleet: ${seeded.services} services, ${seeded.environments} environments, ${seeded.deployments} deployments, loaded and server up in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const browser = await launchChromium();
  try {
    const page = await signedIn(browser, fx.plane.url, fx.api.token);
    const service = fleetServiceName(Math.floor(SERVICES / 2));

    // Matrix and service page: first useful paint (warm: the assets cached, as on every visit after the first).
    const matrixTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) matrixTimes.push(await paint(page, `${fx.plane.url}/`, "table.matrix tbody tr"));
    const matrixApi = await apiTime(fx, "/matrix?page=1&page_size=50");
    report("Environments matrix: first useful paint (median of 5)", ms(median(matrixTimes)), `API alone ${ms(matrixApi)} (×${(median(matrixTimes) / matrixApi).toFixed(1)})`, "< 1 s", median(matrixTimes) < 1000);
    const cold = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const coldPage = await cold.newPage();
    await coldPage.goto(fx.plane.url + "/");
    await coldPage.evaluate(`sessionStorage.setItem("slipway.token", ${JSON.stringify(fx.api.token)})`);
    const coldTime = await paint(coldPage, `${fx.plane.url}/?cold=1`, "table.matrix tbody tr");
    await cold.close();
    report("Environments matrix: first paint, empty cache", ms(coldTime), "—", "< 1 s", coldTime < 1000);

    const serviceTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) serviceTimes.push(await paint(page, `${fx.plane.url}/services/${service}`, "section.card table tbody tr"));
    const serviceApi = Math.max(await apiTime(fx, `/deployments?service=${service}&limit=50`), await apiTime(fx, `/status?service=${service}`));
    report("Service page: first useful paint (median of 5)", ms(median(serviceTimes)), `slowest API call ${ms(serviceApi)} (×${(median(serviceTimes) / serviceApi).toFixed(1)})`, "< 1 s", median(serviceTimes) < 1000);

    // Search: keydown → the matrix shows that query's rows (data-query is set when they are rendered).
    await page.goto(`${fx.plane.url}/`);
    await page.waitForSelector("table.matrix tbody tr");
    const box = page.getByRole("searchbox", { name: "Search" });
    await box.click();
    const typed = "payments-api";
    const keyTimes: number[] = [];
    for (let i = 0; i < typed.length; i++) {
      const q = typed.slice(0, i + 1);
      const key = `?q=${encodeURIComponent(q).replace(/%20/g, "+")}&page=1&page_size=50`;
      await page.evaluate(`(() => {
        window.__keyAt = 0; window.__shownAt = 0;
        document.querySelector('input[type=search]').addEventListener('keydown', () => { window.__keyAt = performance.now(); }, { once: true });
        const done = () => { if (!window.__shownAt && document.querySelector('#matrix-count[data-query="${key}"]')) window.__shownAt = performance.now(); };
        new MutationObserver(done).observe(document.body, { childList: true, subtree: true, attributes: true });
      })()`);
      await page.keyboard.press(typed[i]!);
      await pollPage(page, "window.__shownAt || 0");
      keyTimes.push(await page.evaluate<number>("window.__shownAt - window.__keyAt"));
    }
    const searchApi = await apiTime(fx, "/matrix?q=payments-a&page=1&page_size=50");
    report(`Search keystroke → results shown (median of ${typed.length} keys)`, `${ms(median(keyTimes))} (max ${ms(Math.max(...keyTimes))})`, `API alone ${ms(searchApi)} (×${(median(keyTimes) / searchApi).toFixed(1)})`, "< 100 ms", median(keyTimes) < 100);

    const js = await firstPageJs(fx);
    report("JavaScript of the first page, as sent", `${(js.sent / 1024).toFixed(1)} kB gzipped (${(js.raw / 1024).toFixed(0)} kB raw, ${js.files.length} file)`, "—", "< 250 kB gzipped", js.sent < 250 * 1024);

    // The unpaged status route a matrix without its own API would have to call (the named baseline of the SQL paging).
    const t0 = performance.now();
    const all = await fetch(`${fx.plane.url}/api/v1/status`, { headers: { authorization: `Bearer ${fx.api.token}` } });
    await all.arrayBuffer();
    const statusAll = performance.now() - t0;
    report("Baseline: GET /api/v1/status, every environment unpaged", ms(statusAll), "—", "—", null);

    await followDeployment(fx, page);
  } finally {
    await browser.close();
    await fx.cleanup();
  }
  console.log(`\n| measure | measured | baseline (same run) | goal | |\n|---|---|---|---|---|\n${rows.join("\n")}`);
}

/** A deployment page following 1 event per second; the JS heap after a forced GC, each minute. */
async function followDeployment(fx: PlaneFixture, page: Page): Promise<void> {
  const store = fx.plane.engine.ctx.store;
  const id = "DBENCHFOLLOW00000000000000";
  const service = fleetServiceName(1);
  const now = Date.now();
  // A running deployment whose lease another holder keeps: the executor leaves it alone, the page follows it.
  await store.db
    .insertInto("deployments")
    .values({
      id, service, environment: "prod", kind: "deploy", artifact_id: "A0", version: "9.9.9", digest: "sha256:" + "9".repeat(64), state: "verifying", strategy: "canary", actor: "bench",
      reason: null, previous_version: "1.0.0", previous_digest: null, previous_deployment_id: null, previous_replicas: null, previous_weights_json: null, node: null, env_config_json: "{}",
      error: null, error_hint: null, cancel_requested: 0, lease_owner: "bench-holder", lease_until: now + 3_600_000, override_by: null, override_reason: null, not_before: null, waiting_for: null,
      created_at: now, updated_at: now, started_at: now, finished_at: null,
    })
    .execute();
  await page.goto(`${fx.plane.url}/deployments/${id}`);
  await page.getByText("live", { exact: true }).waitFor({ timeout: 30_000 });
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    return ((await cdp.send("Runtime.getHeapUsage")) as { usedSize: number }).usedSize / (1024 * 1024);
  };
  const samples: number[] = [await heap()];
  let requests = 0;
  for (let s = 1; s <= FOLLOW_S; s++) {
    requests += 37;
    const errors = Math.round(requests * 0.004);
    await appendAuditEvent(store.db, store.dialect, {
      actor: "slipway", action: "analysis.evaluated", subject: `deployment/${id}`,
      payload: { stepIdx: 4, decisions: [{ check: "error-rate", verdict: "inconclusive", reason: `error-rate ${(errors / requests).toFixed(4)} (${errors} errors in ${requests} requests)`, numbers: { requests, value: errors / requests, limit: 0.01, baselineRequests: requests, baselineValue: 0.003, minRequests: 200 } }] },
    });
    await new Promise((r) => setTimeout(r, 1000));
    if (s % 60 === 0 || s === FOLLOW_S) samples.push(await heap());
  }
  const shown = await page.locator('.timeline li[data-action="analysis.evaluated"]').count();
  report(`Deployment page following 1 event/s for ${FOLLOW_S} s: JS heap after GC`, `${samples[0]!.toFixed(1)} → ${samples[samples.length - 1]!.toFixed(1)} MB (max ${Math.max(...samples).toFixed(1)}; ${shown} events on screen)`, "—", "< 100 MB", Math.max(...samples) < 100);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
