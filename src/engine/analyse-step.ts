import { newId, type AnalysisConfig, type VersionStats } from "../core/index.js";
import { aggregateVerdict, analyseWindow, diffStats, type Decision, type JudgeState } from "../verify/index.js";
import { insertDecisions, runningStepIdx } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { pause } from "./pause.js";
import { deploymentSubject, record } from "./record.js";
import { routeKey } from "./routing.js";
import { isScriptTarget, routerFor } from "./targets.js";
import { VerificationFailed, type RunState } from "./run-state.js";

/**
 * Holds the current traffic split for the step's pause and analyses the canary against the
 * baseline every interval. A fail stops the step at once (so rollback starts at once); at the
 * end, inconclusive counts as the environment's `on_inconclusive` says.
 */
export async function analyse(ctx: EngineContext, run: RunState, pauseMs: number, startedAt: number): Promise<unknown> {
  const analysis = run.frozen.environment.verify.analysis;
  const pauseEnd = startedAt + pauseMs;
  if (!analysis) {
    await pause(ctx, run, Math.max(0, pauseEnd - ctx.clock.now()));
    return { analysed: false };
  }
  const key = routeKey(run.deployment.service, run.deployment.environment);
  // No router fronts a script target: its analysis reads external sources only (lint refuses router metrics there).
  const router = isScriptTarget(run.frozen.environment.target) ? null : routerFor(ctx, run.frozen.environment.target);
  const statsNow = async () => (router ? router.getStats(key) : []);
  const before = await statsNow();
  // A step resumed after a crash has lost the window it had observed (its starting counters
  // died with the old run), so it watches at least one full interval afresh instead of judging
  // the few requests left before the pause ends (which would be inconclusive, and roll back).
  const end = Math.max(pauseEnd, ctx.clock.now() + Math.min(analysis.interval, pauseMs));
  let decisions: Decision[] = [];
  // The sequential judge's evidence, carried look to look (in memory: a resumed step starts afresh).
  let judge: JudgeState | undefined;
  let rounds = 0;
  const recorder = new RoundRecorder(ctx, run);
  do {
    await pause(ctx, run, Math.max(0, Math.min(analysis.interval, end - ctx.clock.now())));
    ({ decisions, judge } = await evaluateRound(ctx, run, analysis, before, await statsNow(), judge));
    rounds++;
    const last = aggregateVerdict(decisions) === "fail" || ctx.clock.now() >= end;
    await recorder.round(decisions, last);
    if (aggregateVerdict(decisions) === "fail") {
      const failedOnes = decisions.filter((x) => x.verdict === "fail");
      throw new VerificationFailed(
        `analysis failed: ${failedOnes.map((x) => x.reason).join("; ")}`,
        "the canary was rolled back; see `slipway show` for the numbers behind each decision",
        { decisions },
      );
    }
  } while (ctx.clock.now() < end);
  const verdict = aggregateVerdict(decisions);
  if (verdict === "inconclusive" && analysis.on_inconclusive === "fail") {
    const open = decisions.filter((x) => x.verdict === "inconclusive");
    throw new VerificationFailed(
      `analysis inconclusive after the ${Math.round(pauseMs / 1000)}s pause: ${open.map((x) => x.reason).join("; ")}`,
      "the canary did not get enough traffic to judge; send more traffic, lengthen the pause, lower analysis.min_requests, or set analysis.on_inconclusive: pass",
      { decisions },
    );
  }
  return { rounds, verdict, decisions };
}

async function evaluateRound(
  ctx: EngineContext,
  run: RunState,
  analysis: AnalysisConfig,
  before: VersionStats[],
  after: VersionStats[],
  judge: JudgeState | undefined,
): Promise<{ decisions: Decision[]; judge: JudgeState }> {
  const d = run.deployment;
  const window = (version: string | null) => {
    if (version === null) return undefined;
    const a = after.find((s) => s.version === version);
    return a ? diffStats(before.find((s) => s.version === version), a) : undefined;
  };
  const canary = window(d.version) ?? diffStats(undefined, emptyStats(d.version));
  const baseline = d.previousVersion !== d.version ? window(d.previousVersion) : undefined;
  const { decisions, state } = await analyseWindow({ analysis, canary, baseline, state: judge, signal: run.signal });
  await storeDecisions(ctx, run, decisions);
  return { decisions, judge: state };
}

function emptyStats(version: string): VersionStats {
  return { version, requests: 0, statusClasses: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, error: 0 }, latencyBuckets: [] };
}

async function storeDecisions(ctx: EngineContext, run: RunState, decisions: Decision[]): Promise<void> {
  const at = ctx.clock.now();
  const stepIdx = await runningStepIdx(ctx.store.db, run.deployment.id);
  await insertDecisions(
    ctx.store.db,
    decisions.map((x) => ({ id: newId(), deploymentId: run.deployment.id, stepIdx, check: x.check, verdict: x.verdict, reason: x.reason, numbers: x.numbers, at })),
  );
}

/**
 * Puts analysis rounds on the record (and so on the live stream), with their numbers: every
 * round whose verdicts changed, the last one, and otherwise one every `analysisRecordMs` (the
 * judge may look every second; the decisions table keeps every round).
 */
class RoundRecorder {
  private lastVerdicts = "";
  private lastAt = -Infinity;

  constructor(
    private readonly ctx: EngineContext,
    private readonly run: RunState,
  ) {}

  async round(decisions: Decision[], last: boolean): Promise<void> {
    const verdicts = decisions.map((x) => `${x.check}=${x.verdict}`).join(",");
    const now = this.ctx.clock.now();
    if (!last && verdicts === this.lastVerdicts && now - this.lastAt < this.ctx.settings.analysisRecordMs) return;
    this.lastVerdicts = verdicts;
    this.lastAt = now;
    const d = this.run.deployment;
    await record(this.ctx, {
      actor: "slipway",
      action: "analysis.evaluated",
      subject: deploymentSubject(d.id),
      payload: { stepIdx: await runningStepIdx(this.ctx.store.db, d.id), decisions: decisions.map((x) => ({ check: x.check, verdict: x.verdict, reason: x.reason, numbers: x.numbers })) },
    });
  }
}
