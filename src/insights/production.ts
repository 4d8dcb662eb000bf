import type { EnvironmentConfig, ServiceConfig } from "../core/index.js";

const DEFAULT_PRODUCTION = new Set(["prod", "production"]);

/** Whether an environment counts as production: `production: true`, or by default its name is prod or production. */
export function isProductionEnv(name: string, env: Pick<EnvironmentConfig, "production"> | undefined): boolean {
  return env?.production ?? DEFAULT_PRODUCTION.has(name);
}

export function productionEnvs(config: Pick<ServiceConfig, "environments"> | undefined): Set<string> {
  return new Set(Object.entries(config?.environments ?? {}).filter(([name, env]) => isProductionEnv(name, env)).map(([name]) => name));
}
