/**
 * The triage tasks of the benchmark, each scored cross-validated by repository: for every fold,
 * the triage is built from the other folds only (`Learner`) and scores the held-out fold.
 */
import { readFileSync } from "node:fs";
import { triageLog, type TriageOptions } from "../../src/triage/index.js";
import { fewShotExamples, type ChunkCase, type DiffCase } from "./data.js";
import { foldsByRepo, leaveOneOut, summarize, type Fold, type FoldSummary } from "./folds.js";
import { binaryF1, linePrf, linesOf, macro, type Prf } from "./score.js";

/** Every labeled log the learners may train on, by data set. */
export interface Corpus {
  chunks: ChunkCase[];
  diffs: DiffCase[];
  pytorch: PytorchCase[];
  veloren: VelorenCase[];
}

export interface PytorchCase { name: string; text: string; line: number }
export interface VelorenCase { name: string; path: string; flaky: boolean }

/**
 * Builds what the triage learns (options added to every call) from training logs only. `learns`
 * false: nothing is fitted, so the figure on all data is the pooled held-out one.
 */
export interface Learner {
  name: string;
  learns: boolean;
  fit(train: Corpus): Promise<Partial<TriageOptions>> | Partial<TriageOptions>;
}

/** The committed code as it is: nothing is fitted per fold. */
export const FIXED: Learner = { name: "committed code, nothing fitted per fold", learns: false, fit: () => ({}) };

/** A cross-validated figure: held-out folds, and the same figure with everything seen. */
export interface CvFigure {
  cv: FoldSummary;
  /** Pooled held-out macro figure (all logs, each scored by the fold that held it out). */
  pooled: Prf;
  seen: Prf;
  folds: number;
}

/** A repository's name across data sets (`owner@repo`, `repo_123`), for excluding it from training. */
export function repoKey(repo: string): string {
  return (repo.split("@").pop() ?? repo).toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The training corpus for a fold: everything except the held-out repositories' logs. */
function trainingCorpus(all: Corpus, held: ReadonlySet<string>, own: Partial<Corpus>): Corpus {
  const keep = <T>(items: T[], repo: (x: T) => string) => items.filter((x) => !held.has(repoKey(repo(x))));
  return {
    chunks: own.chunks ?? keep(all.chunks, (c) => c.repo),
    diffs: own.diffs ?? keep(all.diffs, diffRepo),
    pytorch: own.pytorch ?? all.pytorch,
    veloren: own.veloren ?? all.veloren,
  };
}

/** A CiDiff case's repository: `breakages/astor_1260` is astor; the dump is one repository. */
export function diffRepo(c: DiffCase): string {
  if (c.name.includes("breakages_dump/")) return "terraform";
  return (c.name.split("/").pop() ?? c.name).replace(/_\d+$/, "");
}

type Scorer<T> = (item: T, options: Partial<TriageOptions>) => Promise<Prf>;

/** Scores every fold with options fitted on the rest, and all data with options fitted on all. */
async function crossValidate<T>(all: Corpus, folds: Fold<T>[], learner: Learner, trainOf: (f: Fold<T>) => Corpus, scorers: Scorer<T>[]): Promise<CvFigure[]> {
  const perFold: Prf[][][] = scorers.map(() => []);
  for (const fold of folds) {
    const options = await learner.fit(trainOf(fold));
    for (const [i, score] of scorers.entries()) {
      const ms: Prf[] = [];
      for (const item of fold.test) ms.push(await score(item, options));
      perFold[i]?.push(ms);
    }
  }
  const seenOptions = learner.learns ? await learner.fit(all) : undefined;
  const out: CvFigure[] = [];
  for (const [i, score] of scorers.entries()) {
    const folded = perFold[i] ?? [];
    const pooled = macro(folded.flat());
    let seen = pooled;
    if (seenOptions) {
      const ms: Prf[] = [];
      for (const fold of folds) for (const item of fold.test) ms.push(await score(item, seenOptions));
      seen = macro(ms);
    }
    out.push({ cv: summarize(folded.map((ms) => macro(ms).f1)), pooled, seen, folds: folds.length });
  }
  return out;
}

/** LogChunks zero-shot and few-shot (3 examples of the same repository) line F1. */
export async function logchunksCv(all: Corpus, learner: Learner, k: number): Promise<{ zero: CvFigure; few: CvFigure }> {
  const folds = foldsByRepo(all.chunks, (c) => c.repo, k);
  const trainOf = (f: Fold<ChunkCase>) => trainingCorpus(all, new Set(f.repos.map(repoKey)), { chunks: f.train });
  const zero: Scorer<ChunkCase> = async (c, o) => linePrf(linesOf((await triageLog(readFileSync(c.logPath), o)).ranges), c.lines);
  // Examples come from the held-out repository itself: a user confirms answers on their own logs.
  const few: Scorer<ChunkCase> = async (c, o) => linePrf(linesOf((await triageLog(readFileSync(c.logPath), { ...o, examples: fewShotExamples(all.chunks, c) })).ranges), c.lines);
  const [z, f] = await crossValidate(all, folds, learner, trainOf, [zero, few]);
  return { zero: z as CvFigure, few: f as CvFigure };
}

/** CiDiff line F1 with and without the passing log. */
export async function cidiffCv(all: Corpus, learner: Learner, k: number): Promise<{ withPass: CvFigure; without: CvFigure }> {
  const folds = foldsByRepo(all.diffs, diffRepo, k);
  const trainOf = (f: Fold<DiffCase>) => trainingCorpus(all, new Set(f.repos.map(repoKey)), { diffs: f.train });
  const withPass: Scorer<DiffCase> = async (c, o) => linePrf(linesOf((await triageLog(readFileSync(c.fail), { ...o, passLog: readFileSync(c.pass) })).ranges), c.lines);
  const without: Scorer<DiffCase> = async (c, o) => linePrf(linesOf((await triageLog(readFileSync(c.fail), o)).ranges), c.lines);
  const [w, wo] = await crossValidate(all, folds, learner, trainOf, [withPass, without]);
  return { withPass: w as CvFigure, without: wo as CvFigure };
}

/** PyTorch top-1 line, leave-one-out over the fixtures (one repository). F1 here is a hit (1) or miss (0). */
export async function pytorchCv(all: Corpus, learner: Learner): Promise<CvFigure> {
  const folds = leaveOneOut(all.pytorch, (c) => c.name);
  const trainOf = (f: Fold<PytorchCase>) => trainingCorpus(all, new Set(), { pytorch: f.train });
  const hit: Scorer<PytorchCase> = async (c, o) => {
    const ok = (await triageLog(c.text, o)).topLine?.line === c.line ? 1 : 0;
    return { p: ok, r: ok, f1: ok };
  };
  const [h] = await crossValidate(all, folds, learner, trainOf, [hit]);
  return h as CvFigure;
}

/**
 * Veloren flaky vs real: one repository, so its folds are by log (5, seeded). F1 of the flaky
 * class per fold; `pooled` is the F1 over every held-out verdict.
 */
export async function velorenCv(all: Corpus, learner: Learner, k: number): Promise<CvFigure> {
  const folds = foldsByRepo(all.veloren, (c) => c.name, k);
  const trainOf = (f: Fold<VelorenCase>) => trainingCorpus(all, new Set(), { veloren: f.train });
  const verdicts = async (cases: readonly VelorenCase[], o: Partial<TriageOptions>) => {
    const out: boolean[] = [];
    for (const c of cases) out.push((await triageLog(readFileSync(c.path), o)).flaky.verdict === "flaky");
    return out;
  };
  const perFold: number[] = [];
  const pred: boolean[] = [];
  const truth: boolean[] = [];
  for (const fold of folds) {
    const p = await verdicts(fold.test, await learner.fit(trainOf(fold)));
    perFold.push(binaryF1(p, fold.test.map((c) => c.flaky)).f1);
    pred.push(...p);
    truth.push(...fold.test.map((c) => c.flaky));
  }
  const pooled = binaryF1(pred, truth);
  const ordered = folds.flatMap((f) => f.test);
  const seen = learner.learns ? binaryF1(await verdicts(ordered, await learner.fit(all)), ordered.map((c) => c.flaky)) : pooled;
  return { cv: summarize(perFold), pooled, seen, folds: folds.length };
}
