import { formatInstant, formatSpan, shortDigest } from "./format.js";
import type { DeploymentFacts, GateResult, SourceFailure, SourceHistory, SourceRun } from "./types.js";

/**
 * The promotion and soak gates: the same digest must have succeeded in `promoted_from`,
 * not have failed verification there since, and (with `soak`) have run there long enough.
 */

const utc = (ms: number) => formatInstant(ms, "UTC");

/** What the source environment says about this digest: its last success and any later failure. */
export interface SourceVerdict {
  /** The most recent successful run of the digest, if any. */
  run: SourceRun | undefined;
  /** The first failure after that run succeeded, if any: it disqualifies the run. */
  failure: SourceFailure | undefined;
}

/** Reads a source history: the latest success, and the first failure after it. */
export function sourceVerdict(history: SourceHistory | null): SourceVerdict {
  const runs = history?.runs ?? [];
  const run = runs.reduce<SourceRun | undefined>((best, r) => (!best || r.finishedAt > best.finishedAt ? r : best), undefined);
  if (!run) return { run, failure: undefined };
  const later = (history?.failures ?? []).filter((f) => f.at > run.finishedAt).sort((a, b) => a.at - b.at);
  return { run, failure: later[0] };
}

const named = (d: DeploymentFacts) => `${d.version} (${shortDigest(d.digest)})`;

function neverSucceeded(d: DeploymentFacts, source: string, history: SourceHistory | null): GateResult {
  const current = history?.current ?? null;
  const runs = current ? `; ${source} runs ${current.version} (${shortDigest(current.digest)})` : `; ${source} runs nothing yet`;
  const promote = `slipway promote ${d.service} --from ${source} --to ${d.environment}`;
  const remedy =
    current && current.digest !== d.digest
      ? `promote what ${source} runs with ${promote}, or deploy ${d.version} to ${source} first`
      : `deploy ${d.version} to ${source} first and let it verify, then ${promote}`;
  return { gate: "promotion", passed: false, outcome: "refuse", facts: `${named(d)} never succeeded in ${source}${runs}`, remedy };
}

/** The `promotion` gate for `requires.promoted_from: source`. */
export function promotionGate(d: DeploymentFacts, source: string, history: SourceHistory | null): GateResult {
  const { run, failure } = sourceVerdict(history);
  if (!run) return neverSucceeded(d, source, history);
  const succeeded = `${named(d)} succeeded in ${source} at ${utc(run.finishedAt)}`;
  if (failure) {
    return {
      gate: "promotion",
      passed: false,
      outcome: "refuse",
      facts: `${succeeded}, then failed there at ${utc(failure.at)}: ${failure.what}`,
      remedy: `an artifact that failed in ${source} is not promoted: ship a fixed one through ${source}, or redeploy ${d.version} there if the failure was not its fault`,
    };
  }
  const still = run.endedAt === null ? "and still runs there" : `(replaced there at ${utc(run.endedAt)})`;
  return { gate: "promotion", passed: true, outcome: "pass", facts: `${succeeded} ${still}` };
}

/**
 * The `soak` gate: `soakMs` of running in `source` since the last success, with no failed
 * verification since. Waits while the digest still runs there; refuses when it stopped
 * running there short of the soak (it can never complete without a redeploy).
 */
export function soakGate(d: DeploymentFacts, source: string | undefined, soakMs: number, history: SourceHistory | null, now: number): GateResult {
  const required = formatSpan(soakMs, "down");
  const refuse = (facts: string, remedy: string): GateResult => ({ gate: "soak", passed: false, outcome: "refuse", facts, remedy });
  if (source === undefined) {
    return refuse(`soak ${required} is required but requires.promoted_from names no environment to soak in`, "add promoted_from: <environment> next to soak in slipway.yaml");
  }
  const { run, failure } = sourceVerdict(history);
  if (!run) return refuse(`cannot start: ${d.version} has not succeeded in ${source}`, `deploy ${d.version} to ${source} and let it run ${required}`);
  if (failure) {
    return refuse(
      `${d.version} failed in ${source} at ${utc(failure.at)}, ${formatSpan(failure.at - run.finishedAt, "down")} after it succeeded: ${failure.what}`,
      `a soak must pass without a failed verification: ship a fixed artifact through ${source}`,
    );
  }
  const ran = (run.endedAt ?? now) - run.finishedAt;
  if (ran >= soakMs) {
    return { gate: "soak", passed: true, outcome: "pass", facts: `${d.version} ran in ${source} for ${formatSpan(ran, "down")} without a failed verification (required ${required})` };
  }
  if (run.endedAt !== null) {
    return refuse(
      `${d.version} ran in ${source} for only ${formatSpan(ran, "down")} of the required ${required} before it was replaced at ${utc(run.endedAt)}`,
      `deploy ${d.version} to ${source} again and let it run ${required}, or promote what ${source} runs`,
    );
  }
  const left = soakMs - ran;
  return {
    gate: "soak",
    passed: false,
    outcome: "wait",
    facts: `${d.version} has run in ${source} for ${formatSpan(ran, "down")} of the required ${required} (${formatSpan(left)} left)`,
    remedy: `wait until ${utc(run.finishedAt + soakMs)}; the soak completes by itself if ${source} stays healthy`,
  };
}

/** When a waiting soak completes (UTC ms), for re-checking; undefined when it is not waiting. */
export function soakReadyAt(soakMs: number | undefined, history: SourceHistory | null): number | undefined {
  if (soakMs === undefined) return undefined;
  const { run, failure } = sourceVerdict(history);
  return run && !failure && run.endedAt === null ? run.finishedAt + soakMs : undefined;
}
