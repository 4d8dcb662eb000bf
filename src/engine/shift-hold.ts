import { evaluateShiftGates, formatGate } from "../policy/index.js";
import { setWaiting } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { pause } from "./pause.js";
import { deploymentSubject, record } from "./record.js";
import type { RunState } from "./run-state.js";

/**
 * Before every traffic shift: if a change window has closed or a freeze has begun, hold
 * traffic where it is (saying so, on the record) until it opens again. A held deployment
 * can be cancelled, which restores the previous version.
 */
export async function holdWhileWindowClosed(ctx: EngineContext, run: RunState): Promise<void> {
  const d = run.deployment;
  const environment = run.frozen.environment;
  if (!environment.windows || (environment.windows.allow.length === 0 && environment.windows.freeze.length === 0)) return;
  let held = false;
  for (;;) {
    const report = evaluateShiftGates({ now: ctx.clock.now(), environment, override: d.override ? { ...d.override, allowed: true } : null });
    if (report.passed) break;
    const reason = report.gates.filter((g) => !g.passed).map(formatGate).join("; ");
    if (!held) {
      held = true;
      await setWaiting(ctx.store.db, d.id, `held: ${reason}`);
      await record(ctx, { actor: "slipway", action: "deployment.held", subject: deploymentSubject(d.id), payload: { reason, gates: report.gates, recheckAt: report.recheckAt } });
    }
    // Look again at least every holdRecheckMs: a freeze can also be lifted by changing slipway.yaml.
    const every = ctx.settings.holdRecheckMs;
    const wait = report.recheckAt === null ? every : Math.min(every, Math.max(0, report.recheckAt - ctx.clock.now()));
    await pause(ctx, run, Math.max(wait, 1));
  }
  if (held) {
    await setWaiting(ctx.store.db, d.id, null);
    await record(ctx, { actor: "slipway", action: "deployment.resumed", subject: deploymentSubject(d.id), payload: {} });
  }
}
