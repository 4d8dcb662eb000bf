/**
 * The soak: many concurrent deployments over many services on several control-plane instances
 * sharing one database; checks that none is lost, run twice or stuck, and measures throughput
 * and step latencies. Used by test/soak.test.ts (small) and bench/soak.ts (the size).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DeploymentDetail } from "../../src/engine/index.js";
import { buildHello, packToBuffer } from "./fixture.js";
import { summarize, waitFor, type Api } from "./http.js";

export interface SoakOptions {
  services: number;
  /** Versions deployed to every service at once (the second queues behind the first: one at a time per environment). */
  versions: string[];
  /** The instances' APIs; deployments are created round robin across them. */
  apis: Api[];
  workDir: string;
  timeoutMs: number;
}

export interface SoakResult {
  deployments: number;
  wallMs: number;
  perMinute: number;
  /** p50 / p95 of step durations (ms), over all steps. */
  stepMs: { p50: number; p95: number };
  /** p95 of the time from a step's predecessor finishing to it starting (scheduling delay). */
  stepGapP95Ms: number;
  /** How many deployments each instance ran to the end. */
  byInstance: Record<string, number>;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { apis, services, versions } = options;
  const names = Array.from({ length: services }, (_, i) => `soak-${String(i).padStart(3, "0")}`);
  const yaml = (service: string) =>
    [
      `service: ${service}`,
      "owner: team-soak",
      "run: { command: node server.js, readiness: { http: /healthz, interval: 100ms, timeout: 60s }, shutdown: { grace: 2s } }",
      "environments:",
      "  dev: { target: { driver: process, replicas: 1 }, strategy: { type: rolling } }",
      "",
    ].join("\n");
  const artifacts = new Map<string, Buffer>();
  for (const v of versions) artifacts.set(v, await packToBuffer(await buildHello(options.workDir, v), options.workDir));
  await Promise.all(
    names.map(async (service, i) => {
      const api = apis[i % apis.length]!;
      await api.apply(yaml(service), join(options.workDir, `${service}.yaml`));
      for (const v of versions) await api.ok("PUT", `/artifacts/${service}/${v}`, artifacts.get(v));
    }),
  );

  const started = Date.now();
  const ids: string[] = [];
  // Every service's deployments are created at once, its versions in order (they queue behind each other: one at a time per environment).
  const created = await Promise.all(
    names.map(async (service, i) => {
      const mine: string[] = [];
      for (const [j, v] of versions.entries()) mine.push(await apis[(i + j) % apis.length]!.deploy(service, "dev", v));
      return mine;
    }),
  );
  ids.push(...created.flat());
  const details = new Map<string, DeploymentDetail>();
  await waitFor(`all ${ids.length} deployments to end`, async () => {
    for (const id of ids) {
      if (details.has(id)) continue;
      const d = await apis[0]!.show(id);
      if (["succeeded", "rolled_back", "rollback_failed", "failed", "cancelled", "rejected"].includes(d.deployment.state)) details.set(id, d);
    }
    return details.size === ids.length ? true : undefined;
  }, options.timeoutMs, 1_000);
  const wallMs = Date.now() - started;

  const stepDurations: number[] = [];
  const gaps: number[] = [];
  const byInstance: Record<string, number> = {};
  for (const d of details.values()) {
    assert.equal(d.deployment.state, "succeeded", summarize(d));
    const ends = d.timeline.filter((e) => e.action === "deployment.succeeded");
    assert.equal(ends.length, 1, `${d.deployment.id} ended once`);
    for (const step of d.steps) {
      assert.equal(d.timeline.filter((e) => e.action === "step.done" && (e.payload as { idx: number }).idx === step.idx).length, 1, `${d.deployment.id} step ${step.idx} ran once`);
      if (step.startedAt !== null && step.finishedAt !== null) stepDurations.push(step.finishedAt - step.startedAt);
      const before = d.steps[step.idx - 1];
      if (before?.finishedAt && step.startedAt) gaps.push(step.startedAt - before.finishedAt);
    }
    const holder = (ends[0]!.payload as { instance?: string }).instance ?? "unknown";
    byInstance[holder] = (byInstance[holder] ?? 0) + 1;
  }
  // The last version of every service is what runs.
  for (const service of names) {
    const { environments } = await apis[0]!.ok<{ environments: { version: string }[] }>("GET", `/status?service=${service}`);
    assert.equal(environments[0]?.version, versions.at(-1), `${service} runs the last version`);
  }
  return {
    deployments: ids.length,
    wallMs,
    perMinute: (ids.length / wallMs) * 60_000,
    stepMs: { p50: quantile(stepDurations, 0.5), p95: quantile(stepDurations, 0.95) },
    stepGapP95Ms: quantile(gaps, 0.95),
    byInstance,
  };
}
