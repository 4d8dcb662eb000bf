/**
 * Compiling rules into matchers, and loading user rules files (YAML, same fields as the built-in
 * data in default-rules.ts).
 */
import { readFileSync } from "node:fs";
import { formatProblems, parseTriageRules, rulesOfFile, triageRulesFileSchema } from "../../core/config/index.js";
import { badInput } from "../../core/errors.js";
import type { RuleSpec } from "../types.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { KeywordIndex } from "./keywords.js";
import { requiredClauses, topLevelBranches, type Clause } from "./literals.js";
import { compileMarkers, isMarker, type Markers } from "./markers.js";

/** A rule ready to match. */
export interface CompiledRule {
  spec: RuleSpec;
  re: RegExp;
  /** Clauses (in the set's keyword index) a line must satisfy before `re` is worth testing. */
  needs: number[];
}

/**
 * A set of compiled rules. There is no hand-kept prefilter: the words each rule's expression
 * cannot match without are derived from the expression, and a rule's expression runs only on a
 * line holding them, so a line none of whose rules' words occur costs one keyword pass.
 */
export interface RuleSet {
  rules: CompiledRule[];
  /** Finds the words of every clause of the rules in one pass per line. */
  keywords: KeywordIndex;
  prefilter: Prefilter;
  /** The rules that rank lines for the top line (those with a `headline`). */
  headlines: CompiledRule[];
  /** The entries with a marker role, one test per role. */
  markers: Markers;
}

/**
 * Lines any positive rule could match (a superset), derived from the rules: a word of one of
 * each rule's clauses (all in one clause of the index), or the expression of a rule without
 * clauses (the analysis found no word it cannot match without).
 */
interface Prefilter {
  words: number | undefined;
  always: RegExp[];
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
 * Compiles rules; user rules with the id of a built-in one replace it. Built-in and user rules
 * are treated alike. `filtered: false` tests every rule on every line (to check that the filters
 * change nothing).
 */
export function compileRules(specs: readonly RuleSpec[], { filtered = true } = {}): RuleSet {
  const byId = new Map<string, RuleSpec>();
  for (const spec of specs) byId.set(spec.id, spec);
  const keywords = new KeywordIndex();
  const rules: CompiledRule[] = [];
  const markerSpecs: RuleSpec[] = [];
  for (const spec of byId.values()) {
    const re = compiled(spec);
    if (isMarker(spec)) markerSpecs.push(spec);
    else rules.push({ spec, re, needs: filtered && spec.score !== 0 ? needsOf(keywords, spec.match) : [] });
  }
  const prefilter = filtered ? derivedPrefilter(keywords, rules) : { words: undefined, always: [/(?:)/] };
  keywords.build();
  const headlines = rules.filter((rule) => rule.spec.headline !== undefined);
  // A rule scoring 0 changes no verdict; it only ranks lines (headline), so the scan skips it.
  return { rules: rules.filter((rule) => rule.spec.score !== 0), keywords, prefilter, headlines, markers: compileMarkers(markerSpecs) };
}

function compiled(spec: RuleSpec): RegExp {
  try {
    return new RegExp(spec.match, spec.caseSensitive ? "" : "i");
  } catch (err) {
    throw badInput(`triage rule "${spec.id}" has an invalid regular expression: ${(err as Error).message}`, {
      hint: "rules use JavaScript regular expression syntax; escape backslashes in YAML double-quoted strings",
    });
  }
}

/**
 * A clause worth a prefilter: each of its words has at least three characters besides spaces
 * (`) ` or `: ` would let nearly every line through, and the scan would test every rule on it).
 */
function selectiveClause(source: string): Clause | undefined {
  return clausesOf(source).find((clause) => clause.every((word) => word.replace(/\s/g, "").length >= 3));
}

function derivedPrefilter(keywords: KeywordIndex, rules: readonly CompiledRule[]): Prefilter {
  const words = new Set<string>();
  const always: RegExp[] = [];
  for (const rule of rules) {
    if (rule.spec.score <= 0) continue;
    const clause = selectiveClause(rule.spec.match);
    if (clause) {
      for (const word of clause) words.add(word);
      continue;
    }
    // Branch by branch: only the branches without such a clause run on every line (an anchored
    // `^E\s{3}\S` is cheap).
    const branches = topLevelBranches(rule.spec.match) ?? [rule.spec.match];
    const wordless: string[] = [];
    for (const branch of branches) {
      const own = branches.length > 1 ? selectiveClause(branch) : undefined;
      if (own) for (const word of own) words.add(word);
      else wordless.push(branch);
    }
    always.push(wordless.length === branches.length ? rule.re : new RegExp(wordless.map((b) => `(?:${b})`).join("|"), rule.re.flags));
  }
  return { words: words.size > 0 ? keywords.addClause([...words]) : undefined, always };
}

/** True when the line (already given to the keyword index) may match a positive rule. */
function passesPrefilter(set: RuleSet, text: string): boolean {
  if (set.prefilter.words !== undefined && set.keywords.has(set.prefilter.words)) return true;
  for (const re of set.prefilter.always) if (re.test(text)) return true;
  return false;
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
  // Positive rules first: most lines that hold some rule's words match none, and then the
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
  return rulesOfFile(parsed.data) as RuleSpec[];
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
