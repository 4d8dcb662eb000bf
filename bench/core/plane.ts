/** The control plane under test: started in process on a temporary data directory, always cleaned up. */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT, type ControlPlane } from "../../src/cli/control-plane.js";
import type * as ControlPlaneModule from "../../src/cli/control-plane.js";
import { stopAllReplicas } from "../../src/cli/stop-all.js";
import { AuditFeed } from "../../src/audit/index.js";
import { DEPLOYMENT_STATES, isTerminal, type Deployment, type DeploymentState } from "../../src/core/index.js";
import { stopRouterDaemon } from "../../src/router/index.js";
import { pushArtifact } from "../../src/supply/index.js";
import type { Build } from "./apps.js";

export const SERVICE = "bench";

/**
 * The compiled control plane (what `npm start` runs) when dist/ is built — `npm run bench`
 * builds it first — so replicas and the router start as plain JavaScript, as in production.
 */
async function loadControlPlane(): Promise<typeof ControlPlaneModule> {
  const compiled = join(PACKAGE_ROOT, "dist", "cli", "control-plane.js");
  if (existsSync(compiled)) return (await import(pathToFileURL(compiled).href)) as typeof ControlPlaneModule;
  return import("../../src/cli/control-plane.js");
}
/** Readiness poll interval, used by the engine and by the by-hand baseline alike. */
export const READINESS_INTERVAL_MS = 100;

/**
 * One service, one environment per benchmark. Probes and analysis as a team would configure
 * them, with short pauses so the whole run stays within minutes.
 */
export const BENCH_YAML = `
service: ${SERVICE}
owner: team-bench
run:
  command: node server.js
  port_env: PORT
  readiness: { http: /healthz, interval: ${READINESS_INTERVAL_MS}ms, timeout: 15s }
  shutdown: { signal: SIGTERM, grace: 5s }
environments:
  bluegreen:
    target: { driver: process, replicas: 2 }
    strategy: { type: blue-green }
    verify:
      probes: [{ http: /, expect_body: hello }]
  canary:
    target: { driver: process, replicas: 2 }
    strategy:
      type: canary
      steps: [{ weight: 20, pause: 3s }, { weight: 50, pause: 2s }, { weight: 100 }]
    verify:
      analysis:
        interval: 250ms
        min_requests: 50
        metrics: [{ name: error-rate, max: 0.05 }]
  restore:
    target: { driver: process, replicas: 1 }
    strategy:
      type: canary
      steps: [{ weight: 50, pause: 10s }, { weight: 100 }]
    verify:
      analysis:
        interval: 200ms
        min_requests: 20
        metrics: [{ name: error-rate, max: 0.05 }]
  overhead:
    target: { driver: process, replicas: 2 }
    strategy: { type: blue-green }
    verify:
      probes: [{ http: /, expect_body: hello }]
`;

export interface Bench {
  plane: ControlPlane;
  dataDir: string;
  /** The router URL of an environment. */
  urlOf(environment: string): Promise<string>;
  /** Deploys and resolves with the deployment once it reaches a terminal state. */
  deploy(environment: string, version: string, timeoutMs?: number): Promise<Deployment>;
}

export async function startBench(root: string, builds: Build[]): Promise<Bench> {
  const dataDir = join(root, "data");
  const plane = await (await loadControlPlane()).startControlPlane({ dataDir, port: 0, host: "127.0.0.1", log: pino({ level: "silent" }) });
  await plane.engine.apply(BENCH_YAML, join(root, "slipway.yaml"), "bench");
  for (const b of builds) await pushArtifact(plane.store, dataDir, { path: b.dir, service: SERVICE, version: b.version });

  const ended = new Map<string, DeploymentState>();
  const waiters = new Map<string, () => void>();
  const feed = new AuditFeed(plane.store, (err) => console.error("audit feed:", err));
  await feed.start();
  feed.follow({}, (e) => {
    const state = e.action.slice("deployment.".length) as DeploymentState;
    if (!e.action.startsWith("deployment.") || !DEPLOYMENT_STATES.includes(state) || !isTerminal(state)) return;
    const id = e.subject.slice("deployment/".length);
    ended.set(id, state);
    waiters.get(id)?.();
  });

  return {
    plane,
    dataDir,
    async urlOf(environment) {
      const row = (await plane.engine.status(SERVICE)).find((s) => s.environment === environment);
      if (!row) throw new Error(`environment ${environment} has no router port yet`);
      return row.url;
    },
    async deploy(environment, version, timeoutMs = 60_000) {
      const d = await plane.engine.deploy({ service: SERVICE, environment, version, actor: "bench" });
      if (!ended.has(d.id)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`deployment ${d.id} (${environment} ${version}) did not finish in ${timeoutMs} ms`)), timeoutMs);
          waiters.set(d.id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        waiters.delete(d.id);
      }
      return (await plane.engine.show(d.id)).deployment;
    },
  };
}

/** Closes the control plane, then kills the replicas and the router daemon it left running. */
export async function stopBench(dataDir: string, plane: ControlPlane | undefined): Promise<void> {
  await plane?.close().catch((err: unknown) => console.error("closing the control plane:", err));
  await stopAllReplicas(dataDir).catch((err: unknown) => console.error("stopping replicas:", err));
  await stopRouterDaemon(dataDir).catch((err: unknown) => console.error("stopping the router daemon:", err));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
