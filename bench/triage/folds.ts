/**
 * Cross-validation by repository: the repositories of a data set are dealt into k folds, and each
 * fold is scored by a triage built (rules kept, weights, thresholds, learned models) only from the
 * other folds, as a user's repository is one the triage has never seen.
 */

/** A group of items (logs) that must stay in one fold: a repository's logs. */
export interface Fold<T> {
  index: number;
  /** Repositories held out in this fold. */
  repos: string[];
  test: T[];
  train: T[];
}

/** Deterministic PRNG (mulberry32), so that the folds are the same in every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The default seed of the fold assignment (any fixed number: the folds must not be chosen by result). */
export const FOLD_SEED = 20261202;

/**
 * Splits items into k folds by their repository: repositories are shuffled with a fixed seed and
 * dealt, largest first, to the fold with the fewest logs so far, so folds hold similar numbers of
 * logs while no repository spans two folds. With fewer repositories than k, one fold per repository.
 */
export function foldsByRepo<T>(items: readonly T[], repoOf: (item: T) => string, k = 5, seed = FOLD_SEED): Fold<T>[] {
  const byRepo = new Map<string, T[]>();
  for (const item of items) {
    const repo = repoOf(item);
    const list = byRepo.get(repo);
    if (list) list.push(item);
    else byRepo.set(repo, [item]);
  }
  const rnd = seeded(seed);
  const repos = [...byRepo.keys()].sort().map((repo) => ({ repo, key: rnd() }));
  repos.sort((a, b) => (byRepo.get(b.repo)?.length ?? 0) - (byRepo.get(a.repo)?.length ?? 0) || a.key - b.key);
  const n = Math.min(k, repos.length);
  const groups = Array.from({ length: n }, () => ({ repos: [] as string[], size: 0 }));
  for (const { repo } of repos) {
    const target = groups.reduce((best, g) => (g.size < best.size ? g : best));
    target.repos.push(repo);
    target.size += byRepo.get(repo)?.length ?? 0;
  }
  return groups.map((g, index) => {
    const held = new Set(g.repos);
    return {
      index,
      repos: g.repos.sort(),
      test: items.filter((item) => held.has(repoOf(item))),
      train: items.filter((item) => !held.has(repoOf(item))),
    };
  });
}

/** Leave-one-out: every item is its own fold (one repository's fixtures, e.g. PyTorch's). */
export function leaveOneOut<T>(items: readonly T[], nameOf: (item: T) => string): Fold<T>[] {
  return items.map((item, index) => ({ index, repos: [nameOf(item)], test: [item], train: items.filter((x) => x !== item) }));
}

/** Mean, worst and best of per-fold figures. */
export interface FoldSummary {
  mean: number;
  worst: number;
  best: number;
  folds: number[];
}

export function summarize(perFold: readonly number[]): FoldSummary {
  const n = perFold.length || 1;
  return {
    mean: perFold.reduce((s, x) => s + x, 0) / n,
    worst: Math.min(...perFold),
    best: Math.max(...perFold),
    folds: [...perFold],
  };
}

/**
 * Who a scored log belongs to when folds or rules are held out: its repository, or the log itself
 * for a one-repository set (PyTorch), which is held out log by log.
 */
export const ownerOf = (d: { task: string; repo: string; name: string }): string => (d.task === "pytorch" ? `pytorch:${d.name}` : d.repo);
