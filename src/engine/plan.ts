import type { EnvironmentConfig, ScriptTargetConfig, StepParams } from "../core/index.js";

/**
 * Plans a deployment into steps from the environment's strategy. The plan is stored before
 * anything runs; the executor then runs it step by step and can resume it after a crash.
 * `hasPrevious` is false for an environment's first deployment (nothing to shift away from).
 */
export function planDeploymentSteps(env: EnvironmentConfig, hasPrevious: boolean): StepParams[] {
  if (env.target.driver === "script") return planScript(env.target, env.verify.analysis?.interval);
  const replicas = env.target.replicas;
  switch (env.strategy.type) {
    case "rolling":
      return planRolling(replicas, batchSize(env.strategy.batch, replicas), hasPrevious);
    case "blue-green":
      return planBlueGreen(replicas);
    case "canary":
      // With nothing running there is no baseline to compare with and no traffic to protect,
      // so an environment's first canary goes straight to 100 % (as Argo Rollouts does).
      if (!hasPrevious) return planBlueGreen(replicas);
      // Over hosts, a canary step's share of traffic goes to that share of the hosts (at least one).
      return env.target.driver === "ssh"
        ? planCanaryByHost(replicas, env.strategy.steps, env.verify.analysis?.interval)
        : planCanary(replicas, env.strategy.steps, env.verify.analysis?.interval);
  }
}

function planBlueGreen(replicas: number): StepParams[] {
  return [
    { kind: "start", count: replicas },
    { kind: "wait_ready" },
    { kind: "verify", via: "replicas" },
    { kind: "shift", weight: 100 },
    { kind: "verify", via: "router" },
    { kind: "stop_old", keep: 0 },
    { kind: "finalize" },
  ];
}

/** A batch given as a share of the replicas (25%) is rounded up: never less than one replica. */
export function batchSize(batch: number | { share: number }, replicas: number): number {
  return typeof batch === "number" ? batch : Math.max(1, Math.ceil(batch.share * replicas));
}

/** Replace replicas in batches: each batch is ready before old ones stop; traffic follows the replica ratio. */
function planRolling(replicas: number, batch: number, hasPrevious: boolean): StepParams[] {
  const steps: StepParams[] = [];
  for (let count = Math.min(batch, replicas); ; count = Math.min(replicas, count + batch)) {
    steps.push({ kind: "start", count }, { kind: "wait_ready" });
    // The first batch is verified before any traffic reaches it.
    if (count <= batch) steps.push({ kind: "verify", via: "replicas" });
    steps.push({ kind: "shift", weight: Math.round((100 * count) / replicas) });
    if (hasPrevious) steps.push({ kind: "stop_old", keep: replicas - count });
    if (count >= replicas) break;
  }
  steps.push({ kind: "verify", via: "router" }, { kind: "finalize" });
  return steps;
}

function planCanary(
  replicas: number,
  canarySteps: { weight: number; pause?: number | undefined }[],
  analysisInterval: number | undefined,
): StepParams[] {
  const steps: StepParams[] = [
    { kind: "start", count: replicas },
    { kind: "wait_ready" },
    { kind: "verify", via: "replicas" },
  ];
  for (const step of canarySteps) {
    steps.push({ kind: "shift", weight: step.weight });
    // A step without a pause still gets one analysis interval when analysis is configured.
    const pauseMs = step.pause ?? (step.weight < 100 ? (analysisInterval ?? 0) : 0);
    if (pauseMs > 0) steps.push({ kind: "analyse", pauseMs });
  }
  if (canarySteps[canarySteps.length - 1]?.weight !== 100) steps.push({ kind: "shift", weight: 100 });
  steps.push({ kind: "verify", via: "router" }, { kind: "stop_old", keep: 0 }, { kind: "finalize" });
  return steps;
}

/** How long analysis watches a script target when `analyse_for` is not set: ten looks. */
const DEFAULT_SCRIPT_ANALYSIS_LOOKS = 10;

/**
 * A script target's rollout is the script's own (helm, kubectl, terraform decide how pods or
 * instances are replaced): deploy once, wait until its status says ready, verify, watch the
 * analysis for a while, record. Any failure rolls back like every other deployment.
 */
function planScript(target: ScriptTargetConfig, analysisInterval: number | undefined): StepParams[] {
  const steps: StepParams[] = [{ kind: "script", command: "deploy" }];
  if (target.status) steps.push({ kind: "script", command: "status" });
  steps.push({ kind: "verify", via: "script" });
  if (analysisInterval !== undefined) steps.push({ kind: "analyse", pauseMs: target.analyse_for ?? DEFAULT_SCRIPT_ANALYSIS_LOOKS * analysisInterval });
  steps.push({ kind: "finalize" });
  return steps;
}

/**
 * A canary over hosts: before each traffic step the new version runs on that share of the hosts
 * (the first step on one host), so a bad build meets a few hosts' worth of traffic and no more.
 */
function planCanaryByHost(
  hosts: number,
  canarySteps: { weight: number; pause?: number | undefined }[],
  analysisInterval: number | undefined,
): StepParams[] {
  const hostsFor = (weight: number) => Math.min(hosts, Math.max(1, Math.ceil((hosts * weight) / 100)));
  const steps: StepParams[] = [];
  let running = 0;
  const grow = (count: number) => {
    if (count <= running) return;
    steps.push({ kind: "start", count }, { kind: "wait_ready" });
    // The first canary host is verified before any traffic reaches it.
    if (running === 0) steps.push({ kind: "verify", via: "replicas" });
    running = count;
  };
  for (const step of canarySteps) {
    grow(hostsFor(step.weight));
    steps.push({ kind: "shift", weight: step.weight });
    const pauseMs = step.pause ?? (step.weight < 100 ? (analysisInterval ?? 0) : 0);
    if (pauseMs > 0) steps.push({ kind: "analyse", pauseMs });
  }
  grow(hosts);
  if (canarySteps[canarySteps.length - 1]?.weight !== 100) steps.push({ kind: "shift", weight: 100 });
  steps.push({ kind: "verify", via: "router" }, { kind: "stop_old", keep: 0 }, { kind: "finalize" });
  return steps;
}
