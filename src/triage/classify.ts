/**
 * Naming the category of a failure, its probable cause and next step, and estimating whether it
 * is intermittent.
 */
import { CATEGORY_ADVICE } from "./rules/default-rules.js";
import type { CompiledRule } from "./rules/rules.js";
import type { BlockLine, ScanResult } from "./blocks.js";
import type { Selection } from "./select.js";
import type { Category, FlakyEstimate } from "./types.js";

/** The classification of a failure. */
export interface Classification {
  category: Category;
  confidence: number;
  cause: string;
  next: string;
  rules: string[];
  /** The rule that decided, and the line it matched. */
  decisive: { rule: CompiledRule; line: BlockLine } | null;
}

/** Categories whose failures are mostly intermittent: their lines anywhere in a log are evidence. */
const INTERMITTENT: ReadonlySet<Category> = new Set(["network", "infrastructure", "disk_full", "oom", "timeout"]);

/** Classifies from the selected lines first, then from the whole log. */
export function classify(sel: Selection, scan: ScanResult): Classification {
  const votes = new Map<Category, { weight: number; rule: CompiledRule; line: BlockLine }>();
  for (const line of sel.lines) {
    const rule = line.categorized[0];
    if (!rule?.spec.category) continue;
    const w = Math.max(line.score, 0.5) * (line === sel.top ? 3 : 1);
    const v = votes.get(rule.spec.category);
    if (!v) votes.set(rule.spec.category, { weight: w, rule, line });
    else {
      v.weight += w;
      if (rule.spec.score > v.rule.spec.score) Object.assign(v, { rule, line });
    }
  }
  let total = 0;
  let best: [Category, { weight: number; rule: CompiledRule; line: BlockLine }] | undefined;
  for (const entry of votes) {
    total += entry[1].weight;
    if (!best || entry[1].weight > best[1].weight) best = entry;
  }
  if (!best) return fromWholeLog(scan);
  const [category, v] = best;
  const share = v.weight / total;
  const strength = 1 - Math.exp(-v.weight / 8);
  return decided(category, v.rule, v.line, Math.min(0.97, 0.35 + 0.6 * share * strength), [...votes.values()].map((x) => x.rule.spec.id));
}

/** Nothing selected names a category: the categorized rule with the strongest hits over the whole log. */
function fromWholeLog(scan: ScanResult): Classification {
  let best: { rule: CompiledRule; count: number; best: BlockLine } | undefined;
  for (const hit of scan.ruleHits.values()) {
    if (!hit.rule.spec.category || hit.best.score <= 0) continue; // an uncategorized or discounted hit names nothing
    if (!best || hit.best.score * Math.log2(1 + hit.count) > best.best.score * Math.log2(1 + best.count)) best = hit;
  }
  if (!best?.rule.spec.category) {
    const advice = CATEGORY_ADVICE.unknown;
    return { category: "unknown", confidence: 0.2, cause: advice.cause, next: advice.next, rules: [], decisive: null };
  }
  return decided(best.rule.spec.category, best.rule, best.best, 0.4, [best.rule.spec.id]);
}

function decided(category: Category, rule: CompiledRule, line: BlockLine, confidence: number, rules: string[]): Classification {
  const advice = CATEGORY_ADVICE[category];
  const cause = rule.spec.cause ? expand(rule, line.text, rule.spec.cause) : advice.cause;
  return {
    category,
    confidence: Math.round(confidence * 100) / 100,
    cause: cause || advice.cause,
    next: rule.spec.next ?? advice.next,
    rules,
    decisive: { rule, line },
  };
}

/** Fills `$1`… in a rule's cause with the capture groups of its match on the line. */
function expand(rule: CompiledRule, text: string, template: string): string {
  const m = rule.re.exec(text);
  return template.replace(/\$(\d)/g, (_, d: string) => m?.[Number(d)] ?? "");
}

/** What is known about earlier occurrences of the same failure signature. */
export interface FlakyHistory {
  occurrences: number;
  /** Occurrences a person marked intermittent (or that passed on retry). */
  flaky: number;
}

/**
 * Estimates how likely the failure is intermittent: the decisive rule's prior, raised when the
 * log anywhere shows runner, network, disk or memory trouble, then moved towards the history.
 */
export function estimateFlaky(cls: Classification, scan: ScanResult, history?: FlakyHistory): FlakyEstimate {
  const reasons: string[] = [];
  const own = cls.decisive?.rule.spec.flaky;
  let p = own ?? CATEGORY_ADVICE[cls.category].flaky;
  // A rule's own prior speaks for its failures, not for its whole category.
  reasons.push(`${own !== undefined ? `${cls.decisive?.rule.spec.id} failures` : `${cls.category} failures`} are ${p >= 0.5 ? "often" : "rarely"} intermittent`);
  let strongest: { rule: CompiledRule; line: BlockLine } | undefined;
  for (const hit of scan.ruleHits.values()) {
    const cat = hit.rule.spec.category;
    if (!cat || !INTERMITTENT.has(cat) || hit.best.score < 5) continue;
    if (!strongest || hit.best.score > strongest.line.score) strongest = { rule: hit.rule, line: hit.best };
  }
  if (strongest && strongest.rule !== cls.decisive?.rule) {
    const q = strongest.rule.spec.flaky ?? CATEGORY_ADVICE[strongest.rule.spec.category as Category].flaky;
    if (q > p) {
      p = Math.max(p, 0.5 * p + 0.5 * q + 0.05);
      reasons.push(`line ${strongest.line.no} shows ${strongest.rule.spec.category} trouble (${strongest.rule.spec.id})`);
    }
  }
  if (history && history.occurrences > 0) {
    p = (p * 2 + history.flaky) / (2 + history.occurrences);
    reasons.push(`${history.flaky} of ${history.occurrences} earlier occurrences were intermittent`);
  }
  p = Math.round(Math.min(0.99, Math.max(0.01, p)) * 100) / 100;
  return { probability: p, verdict: p >= 0.5 ? "flaky" : "real", reasons };
}

/** Moves a flaky estimate towards what earlier occurrences of the same failure showed. */
export function applyHistory(estimate: FlakyEstimate, history: FlakyHistory): FlakyEstimate {
  if (history.occurrences <= 0) return estimate;
  const p = Math.round(((estimate.probability * 2 + history.flaky) / (2 + history.occurrences)) * 100) / 100;
  return {
    probability: p,
    verdict: p >= 0.5 ? "flaky" : "real",
    reasons: [...estimate.reasons, `${history.flaky} of ${history.occurrences} earlier occurrences were marked intermittent`],
  };
}
