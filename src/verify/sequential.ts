import betainc from "@stdlib/math-base-special-betainc";
import betaln from "@stdlib/math-base-special-betaln";

/**
 * Always-valid sequential tests: e-values that may be looked at after every request and still
 * keep the chance of a false alarm over the whole stream at most α (Ville's inequality: a
 * non-negative supermartingale starting at 1 ever reaches 1/α with probability at most α).
 * Analysis rejects "the canary is within its limit" the first time an e-value reaches 1/α.
 *
 * Two tests, both mixture likelihood ratios in the spirit of Lindon et al., "Rapid Regression
 * Detection in Software Deployments through Sequential Testing" (KDD 2022):
 *
 * - {@link logEValueRateAbove}: one stream, H0 "rate ≤ p0" (a `max` ceiling on the error rate,
 *   or on the share of requests slower than a latency ceiling). A Beta prior truncated to
 *   (p0, 1) mixes the alternatives, so the e-value has a closed form in the incomplete beta
 *   function; the numerics come from stdlib (`@stdlib/math-base-special-betainc`, `-betaln`),
 *   which is tested against reference implementations and handles the extreme tails that a
 *   few hundred thousand requests reach.
 * - {@link updateRatioTest}: canary against baseline, H0 "canary rate ≤ r0 × baseline rate".
 *   Within one look interval, given how many requests each version served, the interval's
 *   events split between the versions binomially with a share that depends only on the rate
 *   ratio (conditioning on the total removes the unknown baseline rate). The product over
 *   intervals, mixed over a grid of ratios above r0, is the e-value. Any traffic split works,
 *   and it may change between intervals.
 */

/** A Beta(a, b) prior over a rate, used truncated to (p0, 1): where the alternatives live. */
export interface BetaPrior {
  a: number;
  b: number;
}

/**
 * The prior the one-stream test mixes over: Beta(1, b), a density falling from p0 with mean
 * about 3 × p0. Regressions worth a rollback are a few times the ceiling, not 1.01 × nor 100 ×;
 * putting the prior's mass there is what makes a 6 % error rate against a 1 % ceiling show
 * within a hundred requests, while the test stays valid for any prior.
 */
export function defaultPrior(p0: number): BetaPrior {
  const mean = Math.min(3 * p0, (1 + p0) / 2);
  return { a: 1, b: Math.max(1, 1 / mean - 1) };
}

/**
 * ln of the e-value against H0 "rate ≤ p0" after `events` of `trials` (events may be fractional:
 * counts read off a latency histogram are). 0 (e = 1) when there is nothing to judge.
 */
export function logEValueRateAbove(events: number, trials: number, p0: number, prior: BetaPrior = defaultPrior(p0)): number {
  if (trials <= 0 || p0 >= 1) return 0;
  const k = Math.min(Math.max(events, 0), trials);
  if (p0 <= 0) return k > 0 ? Infinity : 0;
  const posterior = logUpperBetaMass(p0, k + prior.a, trials - k + prior.b);
  const normaliser = logUpperBetaMass(p0, prior.a, prior.b);
  return posterior - normaliser - k * Math.log(p0) - (trials - k) * Math.log1p(-p0);
}

/** ln ∫_x^1 t^(a-1) (1-t)^(b-1) dt. */
function logUpperBetaMass(x: number, a: number, b: number): number {
  return betaln(a, b) + Math.log(betainc(x, a, b, true, true));
}

/**
 * The largest count of `trials` Bernoulli(p) outcomes that the one-stream test at level `alpha`
 * still accepts: with probability at least 1 - alpha the true count stays at or below it at
 * every look. Quantile bounds are read off it (Howard & Ramdas, "Sequential estimation of
 * quantiles", 2022): at most that many observations lie at or below the true p-quantile.
 */
export function upperCountBound(trials: number, p: number, alpha: number): number {
  const boundary = Math.log(1 / alpha);
  let low = Math.floor(trials * p);
  let high = trials;
  if (logEValueRateAbove(high, trials, p) < boundary) return trials;
  // Invariant: low is accepted (at or below the mean), high is rejected; the e-value grows with the count.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (logEValueRateAbove(mid, trials, p) < boundary) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * The ratios above r0 the canary-versus-baseline test mixes over, as multiples of r0: a
 * geometric grid from 1.2× to about 18×, equally weighted. Each point is a valid test on its
 * own; the mixture pays a little for not knowing which regression is coming.
 */
export const RATIO_GRID: readonly number[] = Array.from({ length: 16 }, (_, j) => 1.2 ** (j + 1));

/** What the canary-versus-baseline test carries from one look to the next. Plain data. */
export interface RatioTestState {
  /** ln likelihood ratio of each grid ratio against r0, summed over the intervals so far. */
  logLr: number[];
  /** Canary and baseline events and requests judged so far. */
  canaryEvents: number;
  canaryTrials: number;
  baselineEvents: number;
  baselineTrials: number;
}

/** Events and requests of each version in one look interval. */
export interface IntervalCounts {
  canaryEvents: number;
  canaryTrials: number;
  baselineEvents: number;
  baselineTrials: number;
}

/** A test that has seen nothing: e = 1. */
export function emptyRatioTest(): RatioTestState {
  return { logLr: RATIO_GRID.map(() => 0), canaryEvents: 0, canaryTrials: 0, baselineEvents: 0, baselineTrials: 0 };
}

/**
 * Adds one interval to the test of H0 "canary rate ≤ r0 × baseline rate". Conditioned on the
 * interval's requests, canary events are Poisson(n_c·p_c) and baseline events Poisson(n_b·p_b);
 * given their total, each event is the canary's with probability θ(r) = n_c·r / (n_c·r + n_b).
 * An interval where one version served nothing says nothing about the ratio: it is returned
 * unchanged, and the caller folds that interval into the next (see {@link hasExposure}).
 */
export function updateRatioTest(state: RatioTestState, r0: number, d: IntervalCounts): RatioTestState {
  if (!hasExposure(d)) return state;
  const next: RatioTestState = {
    logLr: [...state.logLr],
    canaryEvents: state.canaryEvents + d.canaryEvents,
    canaryTrials: state.canaryTrials + d.canaryTrials,
    baselineEvents: state.baselineEvents + d.baselineEvents,
    baselineTrials: state.baselineTrials + d.baselineTrials,
  };
  if (d.canaryEvents + d.baselineEvents === 0) return next;
  const share = (r: number) => (d.canaryTrials * r) / (d.canaryTrials * r + d.baselineTrials);
  const theta0 = share(r0);
  for (let j = 0; j < RATIO_GRID.length; j++) {
    const theta = share(r0 * RATIO_GRID[j]!);
    next.logLr[j]! += d.canaryEvents * Math.log(theta / theta0) + d.baselineEvents * Math.log((1 - theta) / (1 - theta0));
  }
  return next;
}

/** True when both versions served requests in the interval, so it says something about the ratio. */
export function hasExposure(d: IntervalCounts): boolean {
  return d.canaryTrials > 0 && d.baselineTrials > 0;
}

/** ln of the mixture e-value: the mean of the grid's likelihood ratios. */
export function ratioLogEValue(state: RatioTestState): number {
  const max = Math.max(...state.logLr);
  if (!Number.isFinite(max)) return max;
  const sum = state.logLr.reduce((acc, l) => acc + Math.exp(l - max), 0);
  return max + Math.log(sum / state.logLr.length);
}
