/**
 * Fitting the vocabulary of failure lines (src/triage/lexicon.ts) from labeled logs: per word,
 * the mean over logs of the share of labeled lines holding it against the share of the other
 * lines holding it, as smoothed log-odds; only words labeled in MIN_REPOS repositories or more.
 * Per-log counts are computed once and shared by every fold.
 */
import { readFileSync } from "node:fs";
import { cleanLine, splitLines } from "../../src/triage/index.js";
import { lineWords, type Lexicon } from "../../src/triage/lexicon.js";
import { diffRepo, type Corpus, type Learner } from "./tasks.js";

/** A word must be in labeled lines of this many training repositories. */
const MIN_REPOS = 3;
/** Smoothing of both shares (a word seen nowhere else is not infinitely telling). */
const EPS = 1e-3;
const CLIP = 3;

interface LogCounts { gold: Map<string, number>; other: Map<string, number>; nGold: number; nOther: number }
const cache = new Map<string, LogCounts>();

function countsOf(path: string, gold: ReadonlySet<number>): LogCounts {
  const hit = cache.get(path);
  if (hit) return hit;
  const c: LogCounts = { gold: new Map(), other: new Map(), nGold: 0, nOther: 0 };
  splitLines(readFileSync(path, "utf8")).forEach((raw, i) => {
    const text = cleanLine(raw);
    if (text.trim() === "") return;
    const inGold = gold.has(i + 1);
    const into = inGold ? c.gold : c.other;
    if (inGold) c.nGold++;
    else c.nOther++;
    for (const w of lineWords(text)) into.set(w, (into.get(w) ?? 0) + 1);
  });
  cache.set(path, c);
  return c;
}

export function fitLexicon(train: Corpus, scale: number, cap: number): Lexicon {
  const logs = [...train.chunks.map((c) => ({ repo: c.repo, path: c.logPath, gold: c.lines })), ...train.diffs.map((c) => ({ repo: diffRepo(c), path: c.fail, gold: c.lines }))];
  const goldShare = new Map<string, number>();
  const otherShare = new Map<string, number>();
  const repos = new Map<string, Set<string>>();
  let n = 0;
  for (const log of logs) {
    const c = countsOf(log.path, log.gold);
    if (c.nGold === 0) continue;
    n++;
    for (const [w, k] of c.gold) {
      goldShare.set(w, (goldShare.get(w) ?? 0) + k / c.nGold);
      const r = repos.get(w) ?? new Set<string>();
      r.add(log.repo);
      repos.set(w, r);
    }
    for (const [w, k] of c.other) otherShare.set(w, (otherShare.get(w) ?? 0) + k / Math.max(1, c.nOther));
  }
  const weights = new Map<string, number>();
  for (const [w, g] of goldShare) {
    if ((repos.get(w)?.size ?? 0) < MIN_REPOS) continue;
    const odds = Math.log((g / n + EPS) / ((otherShare.get(w) ?? 0) / n + EPS));
    weights.set(w, Math.max(-CLIP, Math.min(CLIP, odds)));
  }
  return { weights, scale, cap };
}

export const lexiconLearner = (scale: number, cap: number): Learner => ({ name: `vocabulary of failure lines (scale ${scale}, cap ${cap})`, learns: true, fit: (train) => ({ lexicon: fitLexicon(train, scale, cap) }) });
