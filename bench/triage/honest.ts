/**
 * Cross-validation that also holds the rules out: a held-out fold is scored without every rule
 * alternative that helps only that fold's repositories (from `rule-audit.ts`), because a rule
 * written while looking at other repositories could not have contained it. This is the closest
 * the shared data gets to "repositories the rules were never written against".
 *
 *   npx tsx bench/triage/honest.ts AUDIT.json [AUDIT2.json…]
 */
import { readFileSync } from "node:fs";
import { DEFAULT_RULES } from "../../src/triage/rules/packs/index.js";
import { topLevelBranches } from "../../src/triage/rules/literals.js";
import type { RuleSpec } from "../../src/triage/types.js";
import { foldsByRepo, leaveOneOut, ownerOf, summarize, type FoldSummary } from "./folds.js";
import { auditCases, scoreCase, type AuditCase, type UnitResult } from "./rule-audit.js";
import { fmt } from "./score.js";

/** Net help per owner, summed over the unit's deltas. */
function helpedOwners(unit: UnitResult): Set<string> {
  const net = new Map<string, number>();
  for (const d of unit.deltas) net.set(ownerOf(d), (net.get(ownerOf(d)) ?? 0) + d.delta);
  return new Set([...net].filter(([, v]) => v > 1e-6).map(([k]) => k));
}

/** Net change in score over the owners not held out (positive: the unit helps there). */
export function netOutside(unit: UnitResult, held: ReadonlySet<string>): number {
  return unit.deltas.filter((d) => !held.has(ownerOf(d))).reduce((s, d) => s + d.delta, 0);
}

/**
 * The rule set a fold gets: every alternative that helps only held-out owners is dropped (it
 * could not have been written without them); with `prune`, so is every alternative that costs
 * more than it gives on the other owners (the audit's pruning, decided without the fold).
 */
export function rulesWithout(units: readonly UnitResult[], held: ReadonlySet<string>, how: { heldOut: boolean; prune: boolean } = { heldOut: true, prune: false }): RuleSpec[] {
  const drop = new Map<string, Set<number>>();
  for (const u of units) {
    const helps = helpedOwners(u);
    const onlyHeld = how.heldOut && helps.size > 0 && [...helps].every((o) => held.has(o));
    if (onlyHeld || (how.prune && netOutside(u, held) < -1e-6)) drop.set(u.id, (drop.get(u.id) ?? new Set()).add(u.alt));
  }
  const out: RuleSpec[] = [];
  for (const spec of DEFAULT_RULES) {
    const gone = drop.get(spec.id);
    if (!gone) continue;
    const branches = (topLevelBranches(spec.match) ?? [spec.match]).filter((_, i) => !gone.has(i));
    out.push({ ...spec, match: branches.length ? branches.join("|") : "(?!)" });
  }
  return out;
}

/** The four rule sets a fold can be scored with: as written, pruned, held out, held out and pruned. */
const VARIANTS = [
  { name: "rules as written", heldOut: false, prune: false },
  { name: "pruned", heldOut: false, prune: true },
  { name: "rules held out", heldOut: true, prune: false },
  { name: "held out + pruned", heldOut: true, prune: true },
] as const;

async function foldScores(cases: AuditCase[], units: UnitResult[], byLog: boolean): Promise<number[][]> {
  const folds = byLog ? leaveOneOut(cases, (c) => c.name) : foldsByRepo(cases, (c) => c.repo, 5);
  const out: number[][] = VARIANTS.map(() => []);
  for (const fold of folds) {
    const held = new Set(fold.test.map((c) => ownerOf({ task: c.task, repo: c.repo, name: c.name })));
    for (const [i, v] of VARIANTS.entries()) {
      const rules = rulesWithout(units, held, v);
      let sum = 0;
      for (const c of fold.test) sum += await scoreCase(c, { rules });
      out[i]?.push(sum / fold.test.length);
    }
  }
  return out;
}

export type HonestTask = "logchunks" | "cidiff-pass" | "cidiff" | "pytorch";
export const HONEST_TASKS: readonly HonestTask[] = ["logchunks", "cidiff-pass", "cidiff", "pytorch"];

/** Every variant's fold summary, per task. */
export async function honestFigures(cases: readonly AuditCase[], units: UnitResult[]): Promise<Map<HonestTask, { variant: string; summary: FoldSummary }[]>> {
  const out = new Map<HonestTask, { variant: string; summary: FoldSummary }[]>();
  for (const task of HONEST_TASKS) {
    const scores = await foldScores(cases.filter((c) => c.task === task), units, task === "pytorch");
    out.set(task, VARIANTS.map((v, i) => ({ variant: v.name, summary: summarize(scores[i] ?? []) })));
  }
  return out;
}

/** Alternatives that help exactly one owner, and those that cost more than they give overall. */
export function auditFindings(units: readonly UnitResult[]): { singleOwner: UnitResult[]; netHarmful: UnitResult[]; silent: UnitResult[] } {
  return {
    singleOwner: units.filter((u) => helpedOwners(u).size === 1),
    netHarmful: units.filter((u) => netOutside(u, new Set()) < -1e-6),
    silent: units.filter((u) => u.deltas.length === 0),
  };
}

async function main(): Promise<void> {
  const units: UnitResult[] = process.argv.slice(2).flatMap((p) => (JSON.parse(readFileSync(p, "utf8")) as { results: UnitResult[] }).results);
  const figures = await honestFigures(auditCases(), units);
  for (const [task, rows] of figures) {
    console.log(task);
    for (const { variant, summary: s } of rows) {
      const folds = task === "pytorch" ? "" : `  [${s.folds.map((x) => fmt(x, 2)).join(" ")}]`;
      console.log(`  ${variant.padEnd(18)} mean ${fmt(s.mean)} worst ${fmt(s.worst)}${folds}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
