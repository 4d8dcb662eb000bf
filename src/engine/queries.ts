import { getDeployment, getDeploymentRow, listActiveReplicas, listDecisions, listDeployments, listEnvironments, listSteps, weightsOf, type ReplicasTable } from "../store/index.js";
import { listAuditEvents } from "../audit/index.js";
import type { Deployment, ScriptTargetConfig, Step, TrafficWeight } from "../core/index.js";
import { parseFrozen } from "./frozen.js";
import type { EngineContext } from "./context.js";
import { getServiceConfig } from "./services.js";
import { driverOf, handleOf } from "./targets.js";
import { deploymentSubject } from "./record.js";

export interface DecisionView {
  at: number;
  stepIdx: number;
  check: string;
  verdict: string;
  reason: string;
  numbers: unknown;
}

export interface DeploymentDetail {
  deployment: Deployment;
  steps: Step[];
  decisions: DecisionView[];
  timeline: { seq: number; at: number; actor: string; action: string; payload: unknown }[];
}

/** One deployment with its plan, every analysis decision and its timeline of audit events. */
export async function deploymentDetail(ctx: EngineContext, id: string): Promise<DeploymentDetail> {
  const deployment = await getDeployment(ctx.store.db, id);
  const steps = await listSteps(ctx.store.db, id);
  const decisions = await listDecisions(ctx.store.db, id);
  const events = await listAuditEvents(ctx.store.db, { subject: deploymentSubject(id), limit: 1000 });
  return {
    deployment,
    steps,
    decisions: decisions.map((x) => ({ at: x.at, stepIdx: x.stepIdx, check: x.check, verdict: x.verdict, reason: x.reason, numbers: x.numbers })),
    timeline: events.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, payload: e.payload })),
  };
}

export interface EnvironmentStatus {
  service: string;
  environment: string;
  version: string | null;
  since: number | null;
  /** Where clients reach it: the built-in router, or an ssh target's balancer URL ("" when the balancer has none). */
  url: string;
  weights: TrafficWeight[];
  replicas: { running: number; notRunning: number };
  /** "healthy", or what is wrong: replicas restarting after crashes, or none serving. */
  health: string;
  /** The node whose local replicas and router serve it (null: reachable from every instance). */
  node: string | null;
  inFlight: { id: string; version: string; state: string } | null;
  lastDeployment: { id: string; version: string; state: string; at: number } | null;
}

/** What runs where: one row per environment that has ever been deployed to. */
export async function environmentStatus(ctx: EngineContext, service?: string): Promise<EnvironmentStatus[]> {
  const envs = await listEnvironments(ctx.store.db, service);
  const out: EnvironmentStatus[] = [];
  for (const env of envs) {
    const replicas = await listActiveReplicas(ctx.store.db, env.service, env.environment);
    const [last] = await listDeployments(ctx.store.db, { service: env.service, environment: env.environment, limit: 1 });
    const [inFlight] = await listDeployments(ctx.store.db, { service: env.service, environment: env.environment, states: ["queued", "running", "verifying", "rolling_back"], limit: 1 });
    const script = last ? await scriptTargetOfDeployment(ctx, last.id) : null;
    out.push({
      service: env.service,
      environment: env.environment,
      version: env.current_version,
      since: env.since,
      // No router fronts a script target: it serves where its own tools put it.
      url: script ? (script.url ?? "") : await urlOf(ctx, env.service, env.environment, env.port),
      weights: weightsOf(env),
      replicas: { running: replicas.filter((r) => r.state === "running").length, notRunning: replicas.filter((r) => r.state !== "running").length },
      // Another node's local replicas cannot be asked from here: say where they are instead.
      health: script
        ? env.current_version === null
          ? "not deployed"
          : "deployed by script (its health is the deploy tool's; Slipway verified it when deployed)"
        : env.node !== null && env.node !== ctx.node
          ? `runs on node ${env.node}: ask a server there`
          : await healthOf(ctx, replicas.filter((r) => r.state === "running"), env.current_version),
      node: env.node,
      inFlight: inFlight ? { id: inFlight.id, version: inFlight.version, state: inFlight.state } : null,
      lastDeployment: last ? { id: last.id, version: last.version, state: last.state, at: last.createdAt } : null,
    });
  }
  return out;
}

/** The script target the deployment ran with, or null for a replica target. */
async function scriptTargetOfDeployment(ctx: EngineContext, id: string): Promise<ScriptTargetConfig | null> {
  const target = parseFrozen((await getDeploymentRow(ctx.store.db, id)).env_config_json).environment.target;
  return target.driver === "script" ? target : null;
}

/** What the process supervisors say about the serving replicas: crashes and restarts show here. */
async function healthOf(ctx: EngineContext, running: ReplicasTable[], currentVersion: string | null): Promise<string> {
  if (currentVersion === null) return "not deployed";
  if (running.length === 0) return "down: no replica running";
  const statuses = await Promise.all(running.map((r) => driverOf(ctx, r).status(handleOf(r))));
  const exited = statuses.filter((s) => s.state === "exited").length;
  const restarting = statuses.filter((s) => s.state === "restarting").length;
  const restarts = statuses.reduce((n, s) => n + s.restarts, 0);
  if (exited > 0) return `degraded: ${exited} of ${running.length} replica(s) gone`;
  if (restarting > 0) return `degraded: ${restarting} replica(s) restarting after crashes (${restarts} restarts)`;
  return restarts > 0 ? `healthy (${restarts} restart${restarts === 1 ? "" : "s"} so far)` : "healthy";
}

/** Where clients reach an environment: the built-in router here, or the balancer an ssh target names. */
async function urlOf(ctx: EngineContext, service: string, environment: string, routerPort: number): Promise<string> {
  const config = await getServiceConfig(ctx, service).catch(() => undefined);
  const target = config?.environments[environment]?.target;
  if (target?.driver === "ssh" && target.balancer !== undefined) return target.balancer.url ?? "";
  return `http://${ctx.settings.host}:${routerPort}`;
}
