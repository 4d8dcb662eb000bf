import type { EngineContext } from "./context.js";
import { readLogTail } from "./log-tail.js";

export interface ReplicaLog {
  replica: string;
  version: string;
  state: string;
  host: string;
  lines: string[];
}

/**
 * The last lines each replica of a deployment wrote (newest replica first). The replicas' own
 * supervisors redact secrets before the log file, so what is read here is safe to show.
 */
export async function deploymentLogs(ctx: EngineContext, deploymentId: string, lines: number): Promise<ReplicaLog[]> {
  const replicas = await ctx.store.db.selectFrom("replicas").selectAll().where("deployment_id", "=", deploymentId).orderBy("started_at", "desc").limit(20).execute();
  return Promise.all(
    replicas.map(async (r) => ({ replica: r.id, version: r.version, state: r.state, host: r.host, lines: (await readLogTail(r.log_path, lines, 64 * 1024)).split("\n").filter(Boolean) })),
  );
}
