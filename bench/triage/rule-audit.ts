/**
 * Leave-one-out audit of the built-in rule packs, alternative by alternative: which
 * repositories each top-level alternative of each entry helps or hurts (line F1 with it minus
 * without it, per log, over LogChunks zero-shot, CiDiff with and without the passing log and
 * PyTorch top-1). Only logs where the alternative matches a line are re-scored: elsewhere it
 * cannot change the answer.
 *
 *   npx tsx bench/triage/rule-audit.ts OUT.json [--shard i/n]
 *
 * The output feeds `honest.ts` (a rule helps only one fold's repositories: that fold's triage
 * could not have had it) and the pack clean-up of issue 14.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { triageLog, type TriageOptions } from "../../src/triage/index.js";
import { DEFAULT_RULES } from "../../src/triage/rules/packs/index.js";
import { topLevelBranches } from "../../src/triage/rules/literals.js";
import { cleanLine, splitLines } from "../../src/triage/lines.js";
import type { RuleSpec } from "../../src/triage/types.js";
import { loadCiDiff, loadLogChunks, loadPytorch } from "./data.js";
import { linePrf, linesOf } from "./score.js";
import { diffRepo } from "./tasks.js";

/** One scored log of one task. */
export interface AuditCase {
  task: "logchunks" | "cidiff-pass" | "cidiff" | "pytorch";
  repo: string;
  name: string;
  text: Buffer | string;
  pass?: Buffer;
  gold: Set<number> | number;
  clean: string[];
}

/** One alternative of one entry, and the entry as it is without it. */
export interface AuditUnit {
  id: string;
  alt: number;
  source: string;
  without: RuleSpec;
}

export function auditCases(): AuditCase[] {
  const clean = (t: string) => splitLines(t).map(cleanLine);
  const out: AuditCase[] = [];
  for (const c of loadLogChunks().cases) {
    const text = readFileSync(c.logPath);
    out.push({ task: "logchunks", repo: c.repo, name: c.logPath, text, gold: c.lines, clean: clean(text.toString("utf8")) });
  }
  for (const d of loadCiDiff()) {
    const text = readFileSync(d.fail);
    const cl = clean(text.toString("utf8"));
    out.push({ task: "cidiff-pass", repo: diffRepo(d), name: d.name, text, pass: readFileSync(d.pass), gold: d.lines, clean: cl });
    out.push({ task: "cidiff", repo: diffRepo(d), name: d.name, text, gold: d.lines, clean: cl });
  }
  for (const p of loadPytorch()) out.push({ task: "pytorch", repo: "pytorch", name: p.name, text: p.text, gold: p.line, clean: clean(p.text) });
  return out;
}

const NEVER = "(?!)";

export function auditUnits(rules: readonly RuleSpec[] = DEFAULT_RULES): AuditUnit[] {
  const out: AuditUnit[] = [];
  for (const spec of rules) {
    const branches = topLevelBranches(spec.match) ?? [spec.match];
    branches.forEach((source, alt) => {
      const rest = branches.filter((_, i) => i !== alt);
      out.push({ id: spec.id, alt, source, without: { ...spec, match: rest.length ? rest.join("|") : NEVER } });
    });
  }
  return out;
}

export async function scoreCase(c: AuditCase, options: Partial<TriageOptions>): Promise<number> {
  const result = await triageLog(c.text, c.pass ? { ...options, passLog: c.pass } : options);
  if (typeof c.gold === "number") return result.topLine?.line === c.gold ? 1 : 0;
  return linePrf(linesOf(result.ranges), c.gold).f1;
}

/** The unit's own expression, or undefined when a branch is no expression alone (a back-reference). */
function branchExpression(unit: AuditUnit, spec: RuleSpec): RegExp | undefined {
  try {
    return new RegExp(unit.source, spec.caseSensitive ? "" : "i");
  } catch {
    return undefined;
  }
}

/** Per unit, the change in score per case it touches (with minus without; positive: it helps). */
export interface UnitResult { id: string; alt: number; source: string; deltas: { task: string; repo: string; name: string; delta: number }[] }

/** Re-scores, without each unit in turn, every case where the unit matches a line. */
export async function runAudit(cases: readonly AuditCase[], shard = 0, shards = 1, progress?: (done: number, of: number) => void): Promise<UnitResult[]> {
  const base = new Map<AuditCase, number>();
  for (const c of cases) base.set(c, await scoreCase(c, {}));
  const specs = new Map(DEFAULT_RULES.map((r) => [r.id, r]));
  const units = auditUnits().filter((_, i) => i % shards === shard);
  const results: UnitResult[] = [];
  for (const [i, unit] of units.entries()) {
    const spec = specs.get(unit.id) as RuleSpec;
    const deltas: UnitResult["deltas"] = [];
    const re = branchExpression(unit, spec);
    for (const c of cases) {
      if (re && !c.clean.some((l) => re.test(l))) continue; // it cannot change an answer here
      const delta = (base.get(c) ?? 0) - (await scoreCase(c, { rules: [unit.without] }));
      if (Math.abs(delta) > 1e-9) deltas.push({ task: c.task, repo: c.repo, name: c.name, delta });
    }
    results.push({ id: unit.id, alt: unit.alt, source: unit.source, deltas });
    progress?.(i + 1, units.length);
  }
  return results;
}

async function main(): Promise<void> {
  const outPath = process.argv[2] ?? "/tmp/rule-audit.json";
  const at = process.argv.indexOf("--shard");
  const [shard, shards] = at > 0 ? (process.argv[at + 1] ?? "0/1").split("/").map(Number) : [0, 1];
  const results = await runAudit(auditCases(), shard ?? 0, shards ?? 1, (done, of) => {
    if (done % 20 === 0) console.error(`${done}/${of} alternatives`);
  });
  writeFileSync(outPath, JSON.stringify({ results }, null, 1));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
