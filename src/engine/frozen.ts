import { badInput, type ConfigValue, type EnvironmentConfig, type RunConfig } from "../core/index.js";

/** The configuration a deployment runs with, frozen when it is created so a later apply cannot change it mid-way. */
export interface FrozenConfig {
  /** How the artifact runs; absent for a service deployed only by script targets. */
  run?: RunConfig | undefined;
  environment: EnvironmentConfig;
  /** The environment's `config` values: plain values and secret *references*, never secret values. */
  config: Record<string, ConfigValue>;
}

export function parseFrozen(json: string): FrozenConfig {
  return JSON.parse(json) as FrozenConfig;
}

/** How replicas of this deployment run; only replica targets get here, and their services declare `run`. */
export function runOf(frozen: Pick<FrozenConfig, "run">): RunConfig {
  if (!frozen.run) throw badInput("this service has no run: section, so Slipway cannot start replicas of it", { hint: "add run: { command: … } to slipway.yaml, or deploy it with a script target" });
  return frozen.run;
}

/** How a replica is stopped; replicas left from before `run` was removed get the default. */
export function shutdownOf(frozen: Pick<FrozenConfig, "run">): { signal: NodeJS.Signals; graceMs: number } {
  return frozen.run ? { signal: frozen.run.shutdown.signal, graceMs: frozen.run.shutdown.grace } : { signal: "SIGTERM", graceMs: 20_000 };
}
