/**
 * Learning the background of normal lines from labeled logs: the masked templates of scoring
 * lines that at least MIN_REPOS repositories print and that are almost never in a labeled chunk.
 * Per-log statistics are computed once and shared by every fold.
 */
import { readFileSync } from "node:fs";
import { cleanLine, hash32, maskLine, ruleSet, splitLines } from "../../src/triage/index.js";
import { judgeLine } from "../../src/triage/rules/rules.js";
import type { Learner } from "./tasks.js";
import { diffRepo, type Corpus } from "./tasks.js";

/** A template is background when this many repositories' logs print it... */
const MIN_REPOS = 3;
/** ...and at most this share of its occurrences is in a labeled chunk. */
const MAX_GOLD_SHARE = 0.05;

/** Per log: for each scoring template, its occurrences and how many were labeled. */
type LogStats = Map<number, { n: number; gold: number }>;
const cache = new Map<string, LogStats>();

function statsOf(path: string, gold: ReadonlySet<number>): LogStats {
  let stats = cache.get(path);
  if (stats) return stats;
  stats = new Map();
  const rules = ruleSet();
  splitLines(readFileSync(path, "utf8")).forEach((raw, i) => {
    const text = cleanLine(raw);
    if (judgeLine(rules, text).score <= 0) return;
    const h = hash32(maskLine(text));
    const s = stats?.get(h) ?? { n: 0, gold: 0 };
    s.n++;
    if (gold.has(i + 1)) s.gold++;
    stats?.set(h, s);
  });
  cache.set(path, stats);
  return stats;
}

/** The background templates of a training corpus (LogChunks and CiDiff failed logs). */
export function fitBackground(train: Corpus): Set<number> {
  const logs = [...train.chunks.map((c) => ({ repo: c.repo, path: c.logPath, gold: c.lines })), ...train.diffs.map((c) => ({ repo: diffRepo(c), path: c.fail, gold: c.lines }))];
  const agg = new Map<number, { repos: Set<string>; n: number; gold: number }>();
  for (const log of logs) {
    for (const [h, s] of statsOf(log.path, log.gold)) {
      const a = agg.get(h) ?? { repos: new Set<string>(), n: 0, gold: 0 };
      a.repos.add(log.repo);
      a.n += s.n;
      a.gold += s.gold;
      agg.set(h, a);
    }
  }
  const out = new Set<number>();
  for (const [h, a] of agg) if (a.repos.size >= MIN_REPOS && a.gold <= MAX_GOLD_SHARE * a.n) out.add(h);
  return out;
}

/** The background refinement, refitted per fold. */
export const BACKGROUND: Learner = { name: "background of normal lines", learns: true, fit: (train) => ({ background: fitBackground(train) }) };
