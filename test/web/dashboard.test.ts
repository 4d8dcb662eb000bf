/**
 * The web dashboard end to end: one control plane (SQLite, the process driver, real hello
 * artifacts) and one headless Chromium (Debian's, driven by playwright-core). A deployer signs
 * in, deploys a canary from the service page and watches its timeline and charts fill live; a
 * promotion to a gated environment waits until an approver approves it in another session; a
 * bad canary rolls back with the failing verdict on screen; the audit chain reads as verified;
 * a viewer sees no action buttons and the API refuses the actions anyway. axe-core checks every
 * page (no serious or critical violation), the main actions are reached by keyboard, and the
 * strict CSP holds (no violation reported by the browser).
 *
 * SLIPWAY_SCREENSHOTS=DIR (npm run screenshots) also loads a synthetic fleet for the matrix and
 * writes screenshots of the main pages into DIR.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openStore } from "../../src/store/index.js";
import { canaryEnv, helloYaml, startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd, type Api } from "../helpers/http.js";
import { startLoad, type Load } from "../helpers/load.js";
import { tokenApi } from "../governance/support.js";
import { axeViolations, launchChromium, reachableByKeyboard, signedIn, type AxeViolation } from "./browser.js";
import { LEDGER, seedDeliveryHistory, type DeliveryHistory } from "./delivery-history.js";
import { seedFleet } from "./fleet.js";

const S = "shop";
const SHOTS = process.env.SLIPWAY_SCREENSHOTS;
const stagingCanary = () => canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "6s" }, { weight: 100 }], minRequests: 20, maxErrorRate: 0.05 });

describe("web dashboard in Chromium", () => {
  let fx: PlaneFixture;
  let browser: Browser;
  let dana: Api; // deployer
  let alice: Api; // approver
  let vic: Api; // viewer
  let load: Load | undefined;
  let history: DeliveryHistory;
  const a11y: { page: string; violations: AxeViolation[] }[] = [];
  const cspErrors: string[] = [];

  const check = async (page: Page, name: string) => {
    await page.waitForSelector(".state.loading", { state: "detached" }).catch(() => undefined);
    a11y.push({ page: name, violations: await axeViolations(page) });
  };
  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: name.startsWith("deployment") || name === "delivery" });
  };
  const open = async (token: string, path = "/") => {
    const page = await signedIn(browser, fx.plane.url, token, path);
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return page;
  };

  before(async () => {
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    fx = await startPlane("sqlite", {
      prepareDatabase: async (url) => {
        const store = await openStore(url);
        history = await seedDeliveryHistory(store.db, Date.now());
        await store.close();
        if (SHOTS) seedFleet(url.slice("sqlite:".length), { services: 240, environments: ["dev", "staging", "prod"], deployments: 6000, now: Date.now(), rolledBackEvery: 37 });
      },
    });
    const prodEnv = { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" }, requires: { promoted_from: "staging", approvals: { count: 1, not_by: ["deployer"] } } };
    await fx.api.apply(helloYaml(S, { staging: stagingCanary(), prod: prodEnv }).replace("team-e2e", "team-checkout"));
    await fx.pushHello(S, "1.0.0", {}, { commit: "3f9c2d1a7b", author: "erin@example.com" });
    await fx.pushHello(S, "1.1.0", {}, { commit: "8ab41e07c2", author: "erin@example.com" });
    await fx.pushHello(S, "1.2.0", { failRate: 0.3 }, { commit: "c0ffee4242", author: "erin@example.com" });
    // A failed pipeline run with its log: triaged into a cluster for the failures page.
    const log = ["$ npm ci", "added 812 packages in 9s", "$ npm test", "> shop@1.1.0 test", "  ✓ cart totals (12 ms)", "  ✕ checkout applies the voucher (31 ms)", "AssertionError [ERR_ASSERTION]: expected 90 to equal 81", "    at test/checkout.test.js:42:12", "Tests: 1 failed, 41 passed", "npm ERR! Test failed.  See above for more details."].join("\n");
    await fx.api.ok("POST", "/pipeline-runs", { id: "812", pipeline: "shop-ci", service: S, status: "failed", commit: "c0ffee4242", log });
    dana = await tokenApi(fx.api, "dana", "deployer");
    alice = await tokenApi(fx.api, "alice", "approver");
    vic = await tokenApi(fx.api, "vic", "viewer");
    const first = await dana.deploy(S, "staging", "1.0.0");
    const done = await waitForEnd(fx.api, first);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
    load = startLoad(await fx.api.routerUrl(S, "staging"), { concurrency: 2, pauseMs: 20, maxDurationMs: 300_000 });
    browser = await launchChromium();
  });

  after(async () => {
    await load?.stop();
    await browser?.close();
    await fx?.cleanup();
  });

  let canaryId = "";
  let prodId = "";

  test("a deployer signs in, deploys a canary from the service page and follows it live", async () => {
    const page = await open(dana.token);
    await check(page, "login → environments");
    await page.getByRole("searchbox", { name: "Search" }).fill(S);
    await page.getByRole("link", { name: S, exact: true }).click();
    await page.waitForURL(`**/services/${S}`);
    await page.getByRole("heading", { name: "Artifacts" }).waitFor();
    await check(page, "service");
    assert.ok(await reachableByKeyboard(page, "Deploy 1.1.0 to staging"), "the deploy button is reachable with Tab");
    await shot(page, "service");
    await page.getByRole("button", { name: "Deploy 1.1.0 to staging…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(/This environment configures no gates|Every gate passes/).first().waitFor();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL("**/deployments/*");
    canaryId = page.url().split("/").pop()!;
    // Live: analysis rounds and traffic shifts arrive over SSE while the page stays loaded.
    await page.locator('.timeline li[data-action="analysis.evaluated"]').first().waitFor({ timeout: 60_000 });
    await page.getByText("live", { exact: true }).waitFor();
    await page.locator(".chart-box canvas").first().waitFor();
    await check(page, "deployment (live canary)");
    await shot(page, "deployment-canary");
    await page.locator(".summary").getByText("succeeded", { exact: true }).waitFor({ timeout: 90_000 });
    const actions = await page.locator(".timeline li").evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
    assert.ok(actions.includes("traffic.shifted") && actions.includes("deployment.succeeded"), `timeline: ${actions.join(", ")}`);
    await page.context().close();
  });

  test("a promotion to a gated environment waits, and an approver approves it in another session", async () => {
    const page = await open(dana.token, `/services/${S}`);
    await page.getByRole("button", { name: "Promote 1.1.0 from staging" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("approvals", { exact: false }).first().waitFor();
    await dialog.getByRole("button", { name: "Start (it will wait)" }).click();
    await page.waitForURL("**/deployments/*");
    prodId = page.url().split("/").pop()!;
    await page.locator(".summary").getByText("awaiting approval").waitFor();
    assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0, "a deployer has no Approve button");
    await page.goto(fx.plane.url + "/approvals");
    await page.getByText("You may not approve this").waitFor();
    await page.context().close();

    const approver = await open(alice.token, "/approvals");
    await approver.getByRole("link", { name: `${S} 1.1.0 → prod` }).waitFor();
    await check(approver, "approvals");
    await shot(approver, "approvals");
    await approver.getByRole("link", { name: "Review and approve" }).click();
    await approver.waitForURL(`**/deployments/${prodId}`);
    await approver.getByRole("button", { name: "Approve" }).waitFor();
    assert.ok(await reachableByKeyboard(approver, "Approve"), "Approve is reachable with Tab");
    await check(approver, "deployment (awaiting approval)");
    await approver.getByLabel("Comment").fill("checked the canary in staging");
    await approver.getByRole("button", { name: "Approve" }).click();
    await approver.locator(".summary").getByText("succeeded", { exact: true }).waitFor({ timeout: 90_000 });
    await approver.locator('.timeline li[data-action="approval.recorded"]').getByText("approved by alice").waitFor();
    await approver.context().close();
  });

  test("a bad canary rolls back on its own, with the failing verdict on screen", async () => {
    const id = await dana.deploy(S, "staging", "1.2.0");
    const page = await open(dana.token, `/deployments/${id}`);
    await page.locator(".summary").getByText("rolled back", { exact: true }).waitFor({ timeout: 120_000 });
    await page.locator(".verdicts").getByText("fail", { exact: true }).waitFor();
    await page.locator('.timeline li[data-action="traffic.restored"]').waitFor();
    await page.locator(".chart-box canvas").first().waitFor();
    await check(page, "deployment (rolled back)");
    await shot(page, "deployment-rolled-back");
    await page.context().close();
  });

  test("the audit chain reads as verified; changes, triage and why-not pages answer", async () => {
    const page = await open(fx.plane.newAdminToken!, "/audit");
    await page.getByText(/Chain verified: all [\d,]+ events/).waitFor();
    await check(page, "audit");
    await shot(page, "audit");
    await page.getByRole("link", { name: "Changes" }).click();
    await page.getByRole("cell", { name: S }).first().waitFor();
    await check(page, "changes");
    await shot(page, "changes");
    await page.goto(`${fx.plane.url}/why?service=${S}&environment=prod&version=1.2.0`);
    await page.getByText("Remedy:").first().waitFor();
    await check(page, "why can't I deploy");
    await shot(page, "why");
    await page.getByRole("link", { name: "Pipeline failures" }).click();
    await page.locator(".clusters .evidence mark").first().waitFor();
    assert.match(await page.locator(".clusters").innerText(), /expected 90 to equal 81/);
    await check(page, "pipeline failures");
    await shot(page, "triage");
    await page.goto(fx.plane.url + "/");
    await page.locator("table.matrix").waitFor();
    await check(page, "environments");
    await shot(page, "environments");
    // The back button goes back through the pages visited.
    await page.goBack();
    await page.waitForURL("**/triage");
    await page.context().close();
  });

  test("the Delivery page: DORA keys with their tiers, weekly charts and KPIs; no data is never elite; the URL keeps the filters", async () => {
    const page = await open(dana.token, `/delivery?service=${LEDGER}`);
    const card = (name: string) => page.getByRole("article", { name });
    const tier = async (name: string) => (await card(name).locator(".badge").innerText()).trim();
    await page.getByText(`${history.deployments} production deployments`).waitFor();
    // By hand from the seeded history (12 weeks, 36 deployments to prod, 7 rolled back, commits 3-6 h before their deployment):
    // 29 successful in 91 days is between once a week and once a day; a median lead time of hours is under a day;
    // 7 of 36 failed is at most 20 %; a rollback recovers at the next successful deployment, days later; rework has no 2024 tiers.
    assert.deepEqual(
      [await tier("Deployment frequency"), await tier("Change lead time"), await tier("Change fail rate"), await tier("Failed deployment recovery time"), await tier("Deployment rework rate")],
      ["high", "elite", "high", "low", "no tier for this year"],
    );
    const cfr = await card("Change fail rate").innerText();
    assert.match(cfr, new RegExp(`${((history.rolledBack / history.deployments) * 100).toFixed(1)} %`));
    assert.match(cfr, new RegExp(`${history.rolledBack} of ${history.deployments} deployments failed`));
    assert.match(cfr, /DORA 2024 tier:/);
    assert.match(cfr, /divided by production deployments that finished in the window/, "the card shows the API's definition");
    assert.match(await card("Deployment frequency").innerText(), new RegExp(`${history.succeeded} successful deployments`));
    assert.match(await card("Change lead time").innerText(), /\d(\.\d)? h median/);
    await page.locator(".weeks .chart-box canvas").nth(1).waitFor();
    const kpis = page.locator("table.kpis");
    assert.match(await kpis.getByRole("row", { name: /Deployment success rate/ }).innerText(), new RegExp(`${((history.succeeded / history.deployments) * 100).toFixed(1)} % \\(${history.succeeded} / ${history.deployments}\\)`));
    assert.match(await kpis.getByRole("row", { name: /Time to restore/ }).innerText(), /no data/);
    await check(page, "delivery");
    await shot(page, "delivery");
    assert.ok(await reachableByKeyboard(page, "The weeks as a table"), "the weeks' table is reachable with Tab");

    // An environment nothing was deployed to: no data on every card, never a tier.
    await page.getByLabel("Environment").selectOption("staging");
    await page.waitForURL(/environment=staging/);
    await page.getByText("0 production deployments").waitFor();
    for (const name of ["Deployment frequency", "Change lead time", "Change fail rate", "Failed deployment recovery time", "Deployment rework rate"]) {
      assert.equal(await tier(name), "no data", name);
      assert.equal((await card(name).locator(".dora-value").innerText()).trim(), "no data", name);
    }
    assert.doesNotMatch(await page.locator(".dora-grid").innerText(), /elite|high|medium|low/);
    await page.getByText("No production deployments in these weeks").waitFor();
    await page.getByLabel("Window").selectOption("30d");
    await page.waitForURL(/since=30d/);
    await check(page, "delivery (no data)");

    // The filters live in the URL: a reload, and the back button from another page, open the same view.
    const url = page.url();
    await page.reload();
    await page.getByText("0 production deployments").waitFor();
    assert.equal(page.url(), url);
    assert.deepEqual([await page.getByLabel("Service").inputValue(), await page.getByLabel("Environment").inputValue(), await page.getByLabel("Window").inputValue()], [LEDGER, "staging", "30d"]);
    await page.getByRole("link", { name: "Changes" }).click();
    await page.waitForURL("**/changes");
    await page.goBack();
    await page.getByText("0 production deployments").waitFor();
    assert.equal(page.url(), url);
    await page.context().close();
  });

  test("a viewer sees no action buttons, and the API refuses the actions anyway", async () => {
    const page = await open(vic.token, `/services/${S}`);
    await page.getByRole("heading", { name: "Artifacts" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /Deploy|Promote/ }).count(), 0);
    await page.goto(`${fx.plane.url}/deployments/${prodId}`);
    await page.locator(".summary").getByText("succeeded", { exact: true }).waitFor();
    assert.equal(await page.getByRole("button", { name: /Approve|Reject|Cancel|Roll back/ }).count(), 0);
    await check(page, "deployment (viewer)");
    await page.context().close();
    const refused = [
      await vic.call("POST", "/deployments", { service: S, environment: "staging", version: "1.0.0" }),
      await vic.call("POST", "/rollbacks", { service: S, environment: "prod" }),
      await vic.call("POST", `/deployments/${canaryId}/cancel`),
      await vic.call("POST", `/deployments/${prodId}/approve`, {}),
    ];
    assert.deepEqual(refused.map((r) => r.status), [403, 403, 403, 403]);
  });

  test("an SSE ticket opens only its own deployment's stream, and the UI is served with a strict CSP", async () => {
    const { ticket } = await vic.ok<{ ticket: string }>("POST", `/deployments/${canaryId}/events/ticket`);
    const own = await fetch(`${fx.plane.url}/api/v1/deployments/${canaryId}/events?ticket=${encodeURIComponent(ticket)}`);
    assert.equal(own.status, 200);
    assert.match(await own.text(), /event: end/);
    const other = await fetch(`${fx.plane.url}/api/v1/deployments/${prodId}/events?ticket=${encodeURIComponent(ticket)}`);
    assert.equal(other.status, 401);
    const elsewhere = await fetch(`${fx.plane.url}/api/v1/deployments/${canaryId}?ticket=${encodeURIComponent(ticket)}`);
    assert.equal(elsewhere.status, 401, "a ticket is no token on other routes");
    const html = await fetch(`${fx.plane.url}/deployments/${canaryId}`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get("content-security-policy") ?? "", /script-src 'self'; style-src 'self'/);
    assert.doesNotMatch(await html.text(), /<script>|<style>/, "no inline script or style");
    const api404 = await fetch(`${fx.plane.url}/api/v1/nothing-here`);
    assert.equal(api404.status, 404);
    assert.equal(((await api404.json()) as { error: { code: string } }).error.code, "not_found");
  });

  test("every page: no serious or critical accessibility violation, no CSP violation", () => {
    assert.ok(a11y.length >= 10, `pages checked: ${a11y.map((a) => a.page).join(", ")}`);
    const bad = a11y.filter((a) => a.violations.length > 0);
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 2));
    assert.deepEqual(cspErrors, []);
  });
});
