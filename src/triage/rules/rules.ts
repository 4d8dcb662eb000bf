/**
 * Compiling rules into matchers, and loading user rules files (YAML, same fields as the built-in
 * data in default-rules.ts).
 */
import { readFileSync } from "node:fs";
import { formatProblems, parseTriageRules, triageRulesFileSchema } from "../../core/config/index.js";
import { badInput } from "../../core/errors.js";
import type { RuleSpec } from "../types.js";
import { DEFAULT_PREFILTER, DEFAULT_RULES } from "./default-rules.js";
import { KeywordIndex } from "./keywords.js";
import { requiredClauses, topLevelBranches, type Clause } from "./literals.js";

/** A rule ready to match. */
export interface CompiledRule {
  spec: RuleSpec;
  re: RegExp;
  /** Clauses (in the set's keyword index) a line must satisfy before `re` is worth testing. */
  needs: number[];
}

/**
 * Matches every line that any positive rule could match (a superset): a plain keyword of the
 * built-in list, or one of the other parts (each tested only when its own words are there).
 */
export interface Prefilter {
  /** The clause of all plain keywords; undefined when there are none. */
  words: number | undefined;
  parts: { needs: number[]; re: RegExp }[];
}

/** A set of compiled rules with a prefilter over the positive ones. */
export interface RuleSet {
  rules: CompiledRule[];
  /** Finds the words of every clause of the rules and the prefilter in one pass per line. */
  keywords: KeywordIndex;
  prefilter: Prefilter;
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
/** A prefilter keyword that is plain text (no regular expression syntax, ASCII only). */
const PLAIN_KEYWORD = /^[\x20-\x7e]+$/;
const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}]/;

/**
 * Compiles rules; user rules with the id of a built-in one replace it. The prefilter is the
 * built-in keyword list for built-in rules and the full expression of every other rule.
 * `filtered: false` tests every rule on every line (to check that the filters change nothing).
 */
export function compileRules(specs: readonly RuleSpec[], { filtered = true } = {}): RuleSet {
  const byId = new Map<string, RuleSpec>();
  for (const spec of specs) byId.set(spec.id, spec);
  const keywords = new KeywordIndex();
  const rules: CompiledRule[] = [];
  for (const spec of byId.values()) {
    try {
      const re = new RegExp(spec.match, spec.caseSensitive ? "" : "i");
      rules.push({ spec, re, needs: filtered && spec.score !== 0 ? needsOf(keywords, spec.match) : [] });
    } catch (err) {
      throw badInput(`triage rule "${spec.id}" has an invalid regular expression: ${(err as Error).message}`, {
        hint: "rules use JavaScript regular expression syntax; escape backslashes in YAML double-quoted strings",
      });
    }
  }
  const prefilter = filtered ? buildPrefilter(keywords, rules) : { words: undefined, parts: [{ needs: [], re: /(?:)/ }] };
  keywords.build();
  const headlines = rules.filter((rule) => rule.spec.headline !== undefined);
  // A rule scoring 0 changes no verdict; it only ranks lines (headline), so the scan skips it.
  return { rules: rules.filter((rule) => rule.spec.score !== 0), keywords, prefilter, headlines };
}

/** Registers the clauses of an expression; none (always tested) when it is not analysed. */
function needsOf(keywords: KeywordIndex, source: string): number[] {
  return clausesOf(source).map((clause) => keywords.addClause(clause));
}

/** Analysed expressions: rule sets with user rules are compiled per triage, mostly the same rules. */
const clauseCache = new Map<string, Clause[]>();
const CLAUSE_CACHE_SIZE = 2000;

function clausesOf(source: string): Clause[] {
  let clauses = clauseCache.get(source);
  if (!clauses) {
    if (clauseCache.size >= CLAUSE_CACHE_SIZE) clauseCache.clear();
    clauses = requiredClauses(source) ?? [];
    clauseCache.set(source, clauses);
  }
  return clauses;
}

let prefilterBranches: string[] | undefined;

function buildPrefilter(keywords: KeywordIndex, rules: readonly CompiledRule[]): Prefilter {
  const builtIn = new Set<RuleSpec>(DEFAULT_RULES);
  const positive = rules.filter((rule) => rule.spec.score > 0);
  const words: string[] = [];
  const parts: Prefilter["parts"] = [];
  if (positive.some((rule) => builtIn.has(rule.spec))) {
    const branches = (prefilterBranches ??= topLevelBranches(DEFAULT_PREFILTER) ?? [DEFAULT_PREFILTER]);
    for (const branch of branches) {
      if (PLAIN_KEYWORD.test(branch) && !REGEX_SYNTAX.test(branch)) words.push(branch.toLowerCase());
      else parts.push({ needs: needsOf(keywords, branch), re: new RegExp(branch, "i") });
    }
  }
  // Other rules' expressions stay one alternation, as they always were (group numbers and all).
  const others = positive.filter((rule) => !builtIn.has(rule.spec)).map((rule) => `(?:${rule.spec.match})`);
  if (others.length > 0) parts.push({ needs: [], re: new RegExp(others.join("|"), "i") });
  return { words: words.length > 0 ? keywords.addClause(words) : undefined, parts };
}

/** True when the line (already given to the keyword index) may match a positive rule. */
function passesPrefilter(set: RuleSet, text: string): boolean {
  const { keywords, prefilter } = set;
  if (prefilter.words !== undefined && keywords.has(prefilter.words)) return true;
  for (const part of prefilter.parts) {
    if (keywords.hasAll(part.needs) && part.re.test(text)) return true;
  }
  return false;
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
  if (text.length === 0) return NO_MATCH;
  set.keywords.scan(text);
  if (!passesPrefilter(set, text)) return NO_MATCH;
  // Positive rules first: most lines that pass the prefilter match none, and then the
  // negative ones need not run at all.
  let top: CompiledRule | undefined;
  let categorized: CompiledRule[] | undefined;
  for (const rule of set.rules) {
    if (rule.spec.score <= 0 || !matches(set, rule, text)) continue;
    if (!top || rule.spec.score > top.spec.score) top = rule;
    if (rule.spec.category) (categorized ??= []).push(rule);
  }
  if (!top) return NO_MATCH;
  categorized?.sort((a, b) => b.spec.score - a.spec.score);
  return { score: Math.min(lineScore(set, text), MAX_LINE_SCORE), categorized: categorized ?? [], top };
}

function matches(set: RuleSet, rule: CompiledRule, text: string): boolean {
  return set.keywords.hasAll(rule.needs) && rule.re.test(text);
}

/** The sum of the scores of the matching rules, added in rule order (the same float sum always). */
function lineScore(set: RuleSet, text: string): number {
  let score = 0;
  for (const rule of set.rules) if (matches(set, rule, text)) score += rule.spec.score;
  return score;
}


/** Validates rules given as data (parsed YAML/JSON): a list, or `{ rules: [...] }`. */
export function parseRules(data: unknown, source = "rules"): RuleSpec[] {
  const parsed = triageRulesFileSchema.safeParse(data);
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
  const { rules, errors } = parseTriageRules(text, path);
  if (!rules) {
    throw badInput(`triage rules file ${path} has ${errors.length} error${errors.length === 1 ? "" : "s"}:\n${formatProblems({ errors, warnings: [] }).join("\n")}`, {
      details: errors,
      hint: "each rule needs id and match (a regular expression); see docs/triage.md",
    });
  }
  return rules;
}

let defaultSet: RuleSet | undefined;

/** The last set with extra rules: a server passes the same user rules to every triage. */
let lastExtra: { key: string; set: RuleSet } | undefined;

/** The built-in rules plus any extra ones (extras replace built-ins with the same id). */
export function ruleSet(extra: readonly RuleSpec[] = []): RuleSet {
  if (extra.length === 0) return (defaultSet ??= compileRules(DEFAULT_RULES));
  const key = JSON.stringify(extra);
  if (lastExtra?.key !== key) lastExtra = { key, set: compileRules([...DEFAULT_RULES, ...extra]) };
  return lastExtra.set;
}
