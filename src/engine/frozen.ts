import type { ConfigValue, EnvironmentConfig, RunConfig } from "../core/index.js";

/** The configuration a deployment runs with, frozen when it is created so a later apply cannot change it mid-way. */
export interface FrozenConfig {
  run: RunConfig;
  environment: EnvironmentConfig;
  /** The environment's `config` values: plain values and secret *references*, never secret values. */
  config: Record<string, ConfigValue>;
}

export function parseFrozen(json: string): FrozenConfig {
  return JSON.parse(json) as FrozenConfig;
}
