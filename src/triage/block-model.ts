/**
 * Ranking the candidate blocks of a scan with a small learned model: a log-linear score over
 * features of each block (its rule strength, where it sits, whether it is in the output of the
 * command that failed, its shape), trained by `npm run train:triage` as a conditional logit
 * (softmax over the candidates of one log). The hand-set ranking (strength × position × command
 * boost) is this model with its prior weights, so training starts from it and is pulled back
 * towards it where the data say little.
 */
import { badInput } from "../core/errors.js";
import { maskLine } from "./mask.js";
import { onlyOutcome } from "./outcome.js";
import type { Markers } from "./rules/markers.js";
import { blockStrength, type Block, type BlockLine } from "./blocks.js";

/** Weights of the block model, as committed in models/block-ranker.json. */
export interface BlockModel {
  /** Feature names, in the order of `weights` (a model for other features is refused). */
  features: readonly string[];
  weights: readonly number[];
  /** Other blocks join the best when their score is at least this share of its score. */
  companionShare: number;
  /** How it was trained (data, folds, seed), for the record. */
  trainedOn?: string;
}

/** Features of a block, in {@link BLOCK_FEATURES} order. */
export type BlockFeatures = number[];


/** Later blocks weigh more: the failure is usually reported near the end of the log. */
export function positionWeight(b: Block, totalLines: number): number {
  const rel = totalLines > 0 ? b.end / totalLines : 1;
  return 0.8 + 0.2 * rel;
}

type Extract = (b: Block, ctx: BlockContext) => number;

/** What features need beyond the block itself: the log's length and the other candidates. */
export interface BlockContext {
  totalLines: number;
  lastEnd: number;
  /** How many candidates have each masked top line (a failure reported again and again). */
  topKeys: Map<string, number>;
  /** The rules' markers (stack frames, outcome lines). */
  markers: Markers;
}

const share = (b: Block, test: (l: BlockLine) => boolean) => (b.lines.length === 0 ? 0 : b.lines.filter(test).length / b.lines.length);

/** The features, by name, with the weight the hand-set ranking gives each (its prior). */
const FEATURES: readonly { name: string; prior: number; of: Extract }[] = [
  { name: "rule-strength", prior: 1, of: (b) => Math.log(Math.max(blockStrength(b), 1e-3)) },
  { name: "position", prior: 1, of: (b, c) => Math.log(positionWeight(b, c.totalLines)) },
  { name: "in-failed-command", prior: Math.log(3), of: (b) => (b.inFailedCommand && !b.inLastFailedCommand ? 1 : 0) },
  { name: "in-last-failed-command", prior: Math.log(6), of: (b) => (b.inLastFailedCommand ? 1 : 0) },
  { name: "lines-after", prior: 0, of: (b, c) => Math.log1p(Math.max(0, c.totalLines - b.end)) / 10 },
  { name: "last-candidate", prior: 0, of: (b, c) => (b.end === c.lastEnd ? 1 : 0) },
  { name: "length", prior: 0, of: (b) => Math.log1p(b.lines.length) / 5 },
  { name: "stack-frames", prior: 0, of: (b, c) => share(b, (l) => c.markers["stack-frame"].test(l.text)) },
  { name: "red", prior: 0, of: (b) => share(b, (l) => l.red === true) },
  { name: "in-passing-log", prior: 0, of: (b) => share(b, (l) => l.inPassLog === true) },
  { name: "categorized", prior: 0, of: (b) => share(b, (l) => l.categorized.length > 0) },
  { name: "indented", prior: 0, of: (b) => share(b, (l) => /^\s/.test(l.text)) },
  { name: "repeated", prior: 0, of: (b, c) => Math.log((c.topKeys.get(topKey(b)) ?? 1)) },
  { name: "only-outcome", prior: 0, of: (b, c) => (onlyOutcome(c.markers, b) ? 1 : 0) },
  { name: "in-named-step", prior: 0, of: (b) => (b.step !== null ? 1 : 0) },
  { name: "failed-command-tail", prior: 0, of: (b) => (b.seq === -1 ? 1 : 0) },
];

export const BLOCK_FEATURES: readonly string[] = FEATURES.map((f) => f.name);

/** The hand-set ranking as a model: strength × position × (6 last failed command, 3 any failed command). */
export const PRIOR_MODEL: BlockModel = {
  features: BLOCK_FEATURES,
  weights: FEATURES.map((f) => f.prior),
  companionShare: 0.85,
  trainedOn: "hand-set",
};

function topKey(b: Block): string {
  let top: BlockLine | undefined;
  for (const l of b.lines) if (!top || l.score > top.score) top = l;
  return top ? maskLine(top.text) : "";
}

/** The context of a log's candidates. */
export function blockContext(blocks: readonly Block[], totalLines: number, markers: Markers): BlockContext {
  const topKeys = new Map<string, number>();
  for (const b of blocks) {
    const key = topKey(b);
    topKeys.set(key, (topKeys.get(key) ?? 0) + 1);
  }
  return { totalLines, lastEnd: Math.max(0, ...blocks.map((b) => b.end)), topKeys, markers };
}

/** The features of one block. */
export function blockFeatures(b: Block, ctx: BlockContext): BlockFeatures {
  return FEATURES.map((f) => f.of(b, ctx));
}

/** The model's log-score of a feature vector. */
export function linearScore(model: BlockModel, x: BlockFeatures): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (model.weights[i] ?? 0) * (x[i] ?? 0);
  return s;
}

/** Checks that a model was trained for these features (a stale weights file is a bug, not a guess). */
export function checkModel(model: BlockModel): BlockModel {
  const same = model.features.length === BLOCK_FEATURES.length && model.features.every((f, i) => f === BLOCK_FEATURES[i]);
  if (!same || model.weights.length !== BLOCK_FEATURES.length) {
    throw badInput(`triage block model was trained for features [${model.features.join(", ")}], not [${BLOCK_FEATURES.join(", ")}]`, {
      hint: "retrain it with `npm run train:triage` after changing the block features",
    });
  }
  return model;
}

/**
 * The features that lift a block above the hand-set prior's view of it most, for the explanation
 * of a pick: each feature's contribution (weight × value), largest first.
 */
export function contributions(model: BlockModel, x: BlockFeatures): { feature: string; value: number; contribution: number }[] {
  return model.features
    .map((feature, i) => ({ feature, value: x[i] ?? 0, contribution: (model.weights[i] ?? 0) * (x[i] ?? 0) }))
    .filter((c) => c.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
}
