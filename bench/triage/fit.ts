/**
 * Fitting the block model: a conditional logit (softmax over the candidate blocks of one log)
 * with an L2 pull towards the hand-set prior weights, by full-batch gradient descent. Fully
 * deterministic: no random initialisation, logs in a fixed order.
 */
import { foldsByRepo, seeded } from "./folds.js";

/** One training log: its candidates' features and the target share of each (sums to 1). */
export interface Sample {
  repo: string;
  x: number[][];
  q: number[];
}

const ITERATIONS = 300;

function softmax(scores: readonly number[]): number[] {
  const m = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

function dot(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (w[i] ?? 0) * (x[i] ?? 0);
  return s;
}

/** Mean cross-entropy of the samples' targets under weights w. */
export function loss(samples: readonly Sample[], w: readonly number[]): number {
  let total = 0;
  for (const s of samples) {
    const p = softmax(s.x.map((x) => dot(w, x)));
    s.q.forEach((q, i) => {
      if (q > 0) total -= q * Math.log(Math.max(p[i] ?? 0, 1e-12));
    });
  }
  return total / Math.max(1, samples.length);
}

/** Fits weights from the prior w0 with penalty lambda·|w − w0|². */
export function fitWeights(samples: readonly Sample[], w0: readonly number[], lambda: number): number[] {
  const d = w0.length;
  let w = [...w0];
  let step = 0.5;
  let current = loss(samples, w) + penalty(w, w0, lambda);
  for (let it = 0; it < ITERATIONS; it++) {
    const g = new Array<number>(d).fill(0);
    for (const s of samples) {
      const p = softmax(s.x.map((x) => dot(w, x)));
      s.x.forEach((x, i) => {
        const diff = (p[i] ?? 0) - (s.q[i] ?? 0);
        for (let j = 0; j < d; j++) g[j] = (g[j] ?? 0) + diff * (x[j] ?? 0);
      });
    }
    const n = Math.max(1, samples.length);
    const grad = g.map((v, j) => v / n + 2 * lambda * ((w[j] ?? 0) - (w0[j] ?? 0)));
    // Backtracking: halve the step until the objective goes down.
    for (;;) {
      const next = w.map((v, j) => v - step * (grad[j] ?? 0));
      const value = loss(samples, next) + penalty(next, w0, lambda);
      if (value <= current) {
        w = next;
        current = value;
        step *= 1.2;
        break;
      }
      step /= 2;
      if (step < 1e-6) return w;
    }
  }
  return w;
}

function penalty(w: readonly number[], w0: readonly number[], lambda: number): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += ((w[j] ?? 0) - (w0[j] ?? 0)) ** 2;
  return lambda * s;
}

export const LAMBDAS = [0.001, 0.01, 0.1, 1];

/**
 * The penalty chosen by inner cross-validation by repository on the training samples only (3
 * folds, held-out cross-entropy), then the weights fitted on all of them with it.
 */
export function fitWithInnerCv(samples: readonly Sample[], w0: readonly number[], seed: number): { weights: number[]; lambda: number } {
  const inner = foldsByRepo(samples, (s) => s.repo, 3, Math.floor(seeded(seed)() * 1e9));
  let best = { lambda: LAMBDAS[0] ?? 0.01, loss: Infinity };
  for (const lambda of LAMBDAS) {
    let held = 0;
    for (const f of inner) held += loss(f.test, fitWeights(f.train, w0, lambda)) * f.test.length;
    if (held < best.loss) best = { lambda, loss: held };
  }
  return { weights: fitWeights(samples, w0, best.lambda), lambda: best.lambda };
}
