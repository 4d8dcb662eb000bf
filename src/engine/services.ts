import { parseServiceConfig, type ServiceConfig, badInput, notFound, type ConfigProblem, type ConfigResult } from "../core/index.js";
import { getServiceRow, listServiceRows, upsertService } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { record } from "./record.js";

export interface AppliedService {
  service: string;
  created: boolean;
  warnings: ConfigProblem[];
}

/** Registers or updates a service from its slipway.yaml text. Invalid files change nothing. */
/** `parsed`: the text's parse when the caller already has it (the API parses off the event loop). */
export async function applyService(ctx: EngineContext, yamlText: string, file: string, actor: string, parsed?: ConfigResult): Promise<AppliedService> {
  const result = parsed ?? parseServiceConfig(yamlText, file);
  if (!result.config) {
    throw badInput(`${file} has ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}`, {
      details: result.errors,
      hint: "fix the errors listed (run `slipway lint` to check locally) and apply again",
    });
  }
  const config = result.config;
  const now = ctx.clock.now();
  const created = await ctx.store.db.transaction().execute(async (trx) => {
    const isNew = await upsertService(trx, { name: config.service, owner: config.owner, configJson: JSON.stringify(config), configYaml: yamlText, at: now });
    await record(ctx, { actor, action: isNew ? "service.created" : "service.updated", subject: `service/${config.service}`, payload: { file, environments: Object.keys(config.environments) } }, trx);
    return isNew;
  });
  return { service: config.service, created, warnings: result.warnings };
}

export async function getServiceConfig(ctx: Pick<EngineContext, "store">, service: string): Promise<ServiceConfig> {
  const row = await getServiceRow(ctx.store.db, service);
  if (!row) throw notFound(`no service "${service}"`, { hint: "register it with `slipway apply path/to/slipway.yaml`" });
  return JSON.parse(row.config_json) as ServiceConfig;
}

export async function listServices(ctx: Pick<EngineContext, "store">): Promise<{ name: string; owner: string; updatedAt: number }[]> {
  const rows = await listServiceRows(ctx.store.db);
  return rows.map((r) => ({ name: r.name, owner: r.owner, updatedAt: r.updated_at }));
}
