/**
 * The learned block model as a benchmark learner: training samples from the labeled logs of a
 * training corpus (LogChunks zero-shot, CiDiff with and without the passing log, PyTorch's marked
 * line), the weights fitted with an inner cross-validation for the penalty, and the companion
 * share chosen on the same training logs. Candidate features do not depend on the weights, so
 * they are computed once per log and mode and shared by every fold.
 */
import { readFileSync } from "node:fs";
import { PRIOR_MODEL, type BlockModel } from "../../src/triage/block-model.js";
import { candidateFeatures, type TriageOptions } from "../../src/triage/index.js";
import type { ChunkCase, DiffCase } from "./data.js";
import { fitWithInnerCv, type Sample } from "./fit.js";
import { FOLD_SEED, ownerOf } from "./folds.js";
import { linePrf } from "./score.js";
import { diffRepo, type Corpus, type Learner, type PytorchCase } from "./tasks.js";

/** A training log's candidates with their lines, and its labeled lines. */
interface Labeled extends Sample {
  lines: number[][];
  gold: ReadonlySet<number>;
}

type Candidates = Awaited<ReturnType<typeof candidateFeatures>>;
const cache = new Map<string, Candidates>();

async function candidatesOf(key: string, log: () => Buffer | string, options: TriageOptions = {}): Promise<Candidates> {
  let c = cache.get(key);
  if (!c) {
    c = await candidateFeatures(log(), options);
    cache.set(key, c);
  }
  return c;
}

/** Target share of each candidate: its line F1 against the labels (none when no candidate overlaps). */
function labeled(repo: string, cands: Candidates, gold: ReadonlySet<number>): Labeled | undefined {
  if (cands.length < 2) return undefined; // one candidate: nothing to rank
  const f1 = cands.map((c) => linePrf(new Set(c.lines), gold).f1);
  const total = f1.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  return { repo, x: cands.map((c) => c.features), q: f1.map((v) => v / total), lines: cands.map((c) => c.lines), gold };
}

async function samplesOf(train: Corpus): Promise<Labeled[]> {
  const out: (Labeled | undefined)[] = [];
  for (const c of train.chunks as ChunkCase[]) out.push(labeled(c.repo, await candidatesOf(`zero ${c.logPath}`, () => readFileSync(c.logPath)), c.lines));
  for (const c of train.diffs as DiffCase[]) {
    out.push(labeled(diffRepo(c), await candidatesOf(`pass ${c.name}`, () => readFileSync(c.fail), { passLog: readFileSync(c.pass) }), c.lines));
    out.push(labeled(diffRepo(c), await candidatesOf(`fail ${c.name}`, () => readFileSync(c.fail)), c.lines));
  }
  for (const c of train.pytorch as PytorchCase[]) out.push(labeled(ownerOf({ task: "pytorch", repo: "pytorch", name: c.name }), await candidatesOf(`pytorch ${c.name}`, () => c.text), new Set([c.line])));
  return out.filter((s): s is Labeled => s !== undefined);
}

const SHARES = [0.35, 0.5, 0.65, 0.85, 1];

/** The companion share giving the best mean line F1 on the training logs, blocks ranked by the weights. */
function bestShare(samples: readonly Labeled[], weights: readonly number[]): number {
  let best = { share: PRIOR_MODEL.companionShare, f1: -1 };
  for (const share of SHARES) {
    let sum = 0;
    for (const s of samples) {
      const scores = s.x.map((x) => Math.exp(x.reduce((a, v, i) => a + v * (weights[i] ?? 0), 0)));
      const top = Math.max(...scores);
      const chosen = scores.map((v, i) => ({ v, i })).filter((c) => c.v >= top * share).sort((a, b) => b.v - a.v).slice(0, 3);
      sum += linePrf(new Set(chosen.flatMap((c) => s.lines[c.i] ?? [])), s.gold).f1;
    }
    if (sum > best.f1) best = { share, f1: sum };
  }
  return best.share;
}

/** Fits a block model on a training corpus. */
export async function fitBlockModel(train: Corpus, { tuneShare = true } = {}): Promise<BlockModel> {
  const samples = await samplesOf(train);
  const { weights, lambda } = fitWithInnerCv(samples, PRIOR_MODEL.weights, FOLD_SEED);
  const companionShare = tuneShare ? bestShare(samples, weights) : PRIOR_MODEL.companionShare;
  const repos = new Set(samples.map((s) => s.repo)).size;
  return {
    features: PRIOR_MODEL.features,
    weights: weights.map((w) => Math.round(w * 1e4) / 1e4),
    companionShare,
    trainedOn: `${samples.length} logs of ${repos} repositories (LogChunks, CiDiff, PyTorch), penalty ${lambda} by inner 3-fold CV, seed ${FOLD_SEED}`,
  };
}

/** The learned block model, refitted on every fold's training repositories. */
export const LEARNED: Learner = {
  name: "learned block model",
  learns: true,
  fit: async (train) => ({ blockModel: await fitBlockModel(train) }),
};

/** The same with the hand-set companion share (0.85): only the weights are fitted. */
export const LEARNED_WEIGHTS: Learner = {
  name: "learned block weights, hand-set companion share",
  learns: true,
  fit: async (train) => ({ blockModel: await fitBlockModel(train, { tuneShare: false }) }),
};

/** The hand-set ranking (the prior), whatever model is committed: the baseline of the learned one. */
export const PRIOR: Learner = { name: "hand-set prior", learns: false, fit: () => ({ blockModel: PRIOR_MODEL }) };
