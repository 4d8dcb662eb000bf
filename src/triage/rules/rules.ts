/**
 * Compiling rules into matchers, and loading user rules files (YAML, same fields as the built-in
 * data in default-rules.ts).
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { badInput } from "../../core/errors.js";
import { CATEGORIES, type Category, type RuleSpec } from "../types.js";
import { DEFAULT_PREFILTER, DEFAULT_RULES } from "./default-rules.js";

/** A rule ready to match. */
export interface CompiledRule {
  spec: RuleSpec;
  re: RegExp;
}

/** A set of compiled rules with a one-regex prefilter over the positive ones. */
export interface RuleSet {
  rules: CompiledRule[];
  /** Matches every line that any positive rule could match (a superset). */
  prefilter: RegExp;
  /** The rules that rank lines for the top line (those with a `headline`). */
  headlines: CompiledRule[];
}

/** What the rules say about one line. */
export interface LineVerdict {
  score: number;
  /** Matching rules with a category, strongest first. */
  categorized: CompiledRule[];
  /** The strongest matching rule (for evidence display). */
  top: CompiledRule | undefined;
}

const NO_MATCH: LineVerdict = { score: 0, categorized: [], top: undefined };
/** A line's score is the sum of its rules, capped: many weak words are not a strong signal. */
const MAX_LINE_SCORE = 12;

/**
 * Compiles rules; user rules with the id of a built-in one replace it. The prefilter is the
 * built-in keyword list for built-in rules and the full expression of every other rule.
 */
export function compileRules(specs: readonly RuleSpec[]): RuleSet {
  const byId = new Map<string, RuleSpec>();
  for (const spec of specs) byId.set(spec.id, spec);
  const rules: CompiledRule[] = [];
  for (const spec of byId.values()) {
    try {
      rules.push({ spec, re: new RegExp(spec.match, spec.caseSensitive ? "" : "i") });
    } catch (err) {
      throw badInput(`triage rule "${spec.id}" has an invalid regular expression: ${(err as Error).message}`, {
        hint: "rules use JavaScript regular expression syntax; escape backslashes in YAML double-quoted strings",
      });
    }
  }
  const builtIn = new Set<RuleSpec>(DEFAULT_RULES);
  const positive = rules.filter((rule) => rule.spec.score > 0);
  const parts = positive.filter((rule) => !builtIn.has(rule.spec)).map((rule) => `(?:${rule.spec.match})`);
  if (positive.some((rule) => builtIn.has(rule.spec))) parts.unshift(DEFAULT_PREFILTER);
  const prefilter = parts.length > 0 ? new RegExp(parts.join("|"), "i") : /(?!)/;
  const headlines = rules.filter((rule) => rule.spec.headline !== undefined);
  // A rule scoring 0 changes no verdict; it only ranks lines (headline), so the scan skips it.
  return { rules: rules.filter((rule) => rule.spec.score !== 0), prefilter, headlines };
}

/**
 * How plainly a line names the failure (see RuleSpec.headline): 0 when a matching rule calls it a
 * summary or wrapper, else the highest headline of the matching rules; undefined when none ranks it.
 */
export function lineHeadline(set: RuleSet, text: string): number | undefined {
  let rank: number | undefined;
  for (const rule of set.headlines) {
    const headline = rule.spec.headline ?? 0;
    if (!rule.re.test(text)) continue;
    if (headline === 0) return 0;
    rank = Math.max(rank ?? 0, headline);
  }
  return rank;
}

/** Scores one cleaned line against the rules. */
export function judgeLine(set: RuleSet, text: string): LineVerdict {
  if (text.length === 0 || !set.prefilter.test(text)) return NO_MATCH;
  let score = 0;
  let top: CompiledRule | undefined;
  let categorized: CompiledRule[] | undefined;
  for (const rule of set.rules) {
    if (!rule.re.test(text)) continue;
    score += rule.spec.score;
    if (rule.spec.score > 0 && (!top || rule.spec.score > top.spec.score)) top = rule;
    if (rule.spec.category && rule.spec.score > 0) (categorized ??= []).push(rule);
  }
  if (!top) return NO_MATCH;
  categorized?.sort((a, b) => b.spec.score - a.spec.score);
  return { score: Math.min(score, MAX_LINE_SCORE), categorized: categorized ?? [], top };
}

const ruleSchema = z.strictObject({
  id: z.string().min(1),
  match: z.string().min(1),
  score: z.number().min(-20).max(20).default(5),
  category: z.enum(CATEGORIES as unknown as [Category, ...Category[]]).optional(),
  cause: z.string().optional(),
  next: z.string().optional(),
  flaky: z.number().min(0).max(1).optional(),
  caseSensitive: z.boolean().optional(),
  headline: z.number().int().min(0).max(5).optional(),
});
const rulesFileSchema = z.union([z.array(ruleSchema), z.strictObject({ rules: z.array(ruleSchema) })]);

/** Validates rules given as data (parsed YAML/JSON): a list, or `{ rules: [...] }`. */
export function parseRules(data: unknown, source = "rules"): RuleSpec[] {
  const parsed = rulesFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw badInput(`${source}: invalid triage rules${where ? ` at ${where}` : ""}: ${issue?.message ?? "bad format"}`, {
      hint: "each rule needs id, match (a regular expression) and score; see docs/triage.md",
    });
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.rules;
  return list as RuleSpec[];
}

/** Reads a user rules YAML file. */
export function loadRulesFile(path: string): RuleSpec[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw badInput(`cannot read rules file ${path}: ${(err as Error).message}`, { hint: "pass an existing YAML file" });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw badInput(`rules file ${path} is not valid YAML: ${(err as Error).message}`);
  }
  const rules = parseRules(data, path);
  compileRules(rules); // fail early on a bad regular expression, naming the file's rule
  return rules;
}

let defaultSet: RuleSet | undefined;

/** The built-in rules plus any extra ones (extras replace built-ins with the same id). */
export function ruleSet(extra: readonly RuleSpec[] = []): RuleSet {
  if (extra.length === 0) return (defaultSet ??= compileRules(DEFAULT_RULES));
  return compileRules([...DEFAULT_RULES, ...extra]);
}
