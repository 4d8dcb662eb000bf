import type { ReplicasTable } from "../store/index.js";
import { httpProbe, tcpProbe, waitUntil, type ProbeResult } from "../verify/index.js";
import type { EngineContext } from "./context.js";
import { readLogTail } from "./log-tail.js";
import { driverOf, handleOf } from "./targets.js";
import { VerificationFailed, type RunState } from "./run-state.js";
import { runOf } from "./frozen.js";

/**
 * Waits until every replica passes the readiness probe (`run.readiness`). A replica whose
 * process exits fails at once, with the end of its log in the error.
 */
export async function waitForReadiness(ctx: EngineContext, run: RunState, replicas: ReplicasTable[]): Promise<{ id: string; host: string; port: number; latencyMs: number }[]> {
  const readiness = runOf(run.frozen).readiness;
  const probeTimeout = Math.min(readiness.timeout, ctx.settings.probeTimeoutMs);
  const results = await Promise.all(
    replicas.map(async (r) => {
      const check = async (): Promise<ProbeResult> => {
        const status = await driverOf(ctx, r).status(handleOf(r));
        if (status.state !== "running") {
          const exit = status.lastExit ? `exited (${status.lastExit.signal ?? `code ${status.lastExit.code}`})` : "is not running";
          throw new VerificationFailed(`replica ${r.id} of ${r.service} ${r.version} ${exit} before it became ready`);
        }
        if (readiness.http) return httpProbe({ url: `http://${r.host}:${r.port}${readiness.http}`, timeoutMs: probeTimeout });
        return tcpProbe({ host: r.host, port: r.port, timeoutMs: probeTimeout });
      };
      try {
        return { replica: r, result: await waitUntil(check, { intervalMs: readiness.interval, timeoutMs: readiness.timeout, clock: ctx.clock, signal: run.signal }) };
      } catch (err) {
        if (!(err instanceof VerificationFailed)) throw err;
        return { replica: r, result: { ok: false, check: `replica ${r.id}`, latencyMs: 0, detail: err.message } satisfies ProbeResult };
      }
    }),
  );
  const notReady = results.filter((x) => !x.result.ok);
  if (notReady.length > 0) {
    const first = notReady[0]!;
    throw new VerificationFailed(
      `${notReady.length} of ${replicas.length} replica(s) of ${first.replica.service} ${first.replica.version} never became ready: ${first.result.detail}`,
      `check run.readiness in slipway.yaml and the replica's log at ${first.replica.log_path}`,
      { logTail: await readLogTail(first.replica.log_path, 20) },
    );
  }
  return results.map((x) => ({ id: x.replica.id, host: x.replica.host, port: x.replica.port, latencyMs: x.result.latencyMs }));
}
