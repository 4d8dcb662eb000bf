/**
 * `npm run bench:notify [-- --messages N]`: what the outbox costs. On SQLite and PostgreSQL,
 * against a local receiver:
 * - throughput: N routed audit events already in the log, from the notifier's start until the
 *   receiver has every message, through the notifier (enqueue with the cursor, claim, sign, send, record),
 *   against the baseline of signing and POSTing the same N bodies directly with the same
 *   concurrency (16) in the same run;
 * - latency: one event at a time, from its append to the receiver's answer (p50, p95 of 50),
 *   with the notifier woken by the store's append signal.
 */
import { parseArgs } from "node:util";
import pino from "pino";
import { appendAuditEvent } from "../src/audit/index.js";
import { systemClock, type NotificationsConfig } from "../src/core/index.js";
import { Notifier, signPayload } from "../src/notify/index.js";
import { startReceiver, type TestReceiver } from "../src/notify/testing.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../src/store/testing.js";
import { machine } from "./core/report.js";

const { values } = parseArgs({ options: { messages: { type: "string", default: "1000" } }, strict: true });
const N = Number(values.messages);
const CONCURRENCY = 16;
const routes: NotificationsConfig = {
  destinations: { hook: { type: "webhook", url: { secret: "env:HOOK_URL" }, key: { secret: "env:HOOK_KEY" } } },
  routes: [{ events: ["incident.opened"], to: ["hook"] }],
};

const append = (t: TestStore, i: number) =>
  appendAuditEvent(t.store.db, t.store.dialect, { actor: "bench", action: "incident.opened", subject: `incident/B${i}`, payload: { service: "bench", environment: "prod", severity: "sev3", title: `bench ${i}` } });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

async function direct(receiver: TestReceiver): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < N; i = next++) {
      const body = JSON.stringify({ id: `d${i}`, event: "incident.opened", summary: `bench ${i}` });
      await fetch(`${receiver.url}/direct`, { method: "POST", headers: { "content-type": "application/json", "slipway-signature": signPayload("k", body, Math.floor(Date.now() / 1000)) }, body }).then((r) => r.text());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - start;
}

async function viaOutbox(t: TestStore, receiver: TestReceiver): Promise<{ throughputMs: number; latencies: number[] }> {
  const env = { HOOK_URL: `${receiver.url}/outbox`, HOOK_KEY: "k" };
  const notifier = new Notifier({ store: t.store, log: pino({ level: "silent" }), clock: systemClock, instanceId: "bench", secretSource: env, publicUrl: null, serverRoutes: routes, settings: { batch: CONCURRENCY } });
  const seen = () => receiver.requests.filter((r) => r.path === "/outbox").length;
  // The events are in the log first: what is timed is the notifier's work, not the audit appends.
  for (let i = 0; i < N; i++) await append(t, i);
  const start = performance.now();
  notifier.start();
  await until(() => seen() >= N);
  const throughputMs = performance.now() - start;
  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const before = seen();
    const t0 = performance.now();
    await append(t, N + i);
    await until(() => seen() > before);
    latencies.push(performance.now() - t0);
  }
  await notifier.stop();
  return { throughputMs, latencies };
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

console.log(`notify bench: ${N} messages, concurrency ${CONCURRENCY}; ${machine()}`);
console.log("| database | direct POSTs (baseline) | through the outbox | ratio | msg/s via outbox | append → delivered p50 / p95 |");
console.log("|---|---|---|---|---|---|");
for (const dialect of TEST_DIALECTS) {
  const t = await freshStore(dialect);
  const receiver = await startReceiver();
  try {
    const baseline = await direct(receiver);
    const { throughputMs, latencies } = await viaOutbox(t, receiver);
    console.log(`| ${dialect} | ${baseline.toFixed(0)} ms | ${throughputMs.toFixed(0)} ms | ${(throughputMs / baseline).toFixed(1)}× | ${((N / throughputMs) * 1000).toFixed(0)} | ${pct(latencies, 0.5).toFixed(1)} / ${pct(latencies, 0.95).toFixed(1)} ms |`);
  } finally {
    await receiver.close();
    await t.cleanup();
  }
}
