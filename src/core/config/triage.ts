/**
 * Triage rules as data: the schema shared by `triage.rules` in slipway.yaml, server-wide rules
 * files and the built-in rules, and the parser of a rules file with located errors.
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { schemaProblems } from "./issues.js";
import { createLocator } from "./locate.js";
import { yamlProblem, type ConfigProblem } from "./problem.js";

/** Categories a deployment engineer acts on. */
export const TRIAGE_CATEGORIES = [
  "compile",
  "test",
  "lint",
  "dependency",
  "missing_env",
  "permission",
  "network",
  "timeout",
  "oom",
  "disk_full",
  "health_check",
  "crash",
  "infrastructure",
  "unknown",
] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

/**
 * What a rule's match means to the pipeline. Scoring roles move a line's score: `failure` (a
 * line that explains a failure, score > 0), `noise` (a line that looks like an error and is not,
 * score < 0), `rank` (score 0: it only ranks lines for the top line, by its headline). Marker
 * roles name a tool's structure and never score: see docs/triage.md#rule-packs for each.
 */
export const TRIAGE_SCORING_ROLES = ["failure", "noise", "rank"] as const;
export const TRIAGE_MARKER_ROLES = [
  "ends-report",
  "report-frame",
  "count-heading",
  "retry",
  "command-start",
  "command-failed",
  "bookkeeping",
  "echo",
  "passed-test",
  "stack-frame",
  "call-frame",
  "continuation",
  "introduces",
  "annotation",
  "warnings-section",
  "source-quote",
  "warning",
  "warning-trace",
  "warning-diagnostic",
  "warnings-fatal",
] as const;
export const TRIAGE_ROLES = [...TRIAGE_SCORING_ROLES, ...TRIAGE_MARKER_ROLES] as const;
export type TriageRole = (typeof TRIAGE_ROLES)[number];
export type TriageMarkerRole = (typeof TRIAGE_MARKER_ROLES)[number];

/** A JavaScript regular expression, checked where it is written. */
const pattern = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(err as Error).message}; escape backslashes in YAML double-quoted strings, or use single quotes` });
    }
  })
  .describe("a JavaScript regular expression matched against each cleaned log line");

const ruleFields = z.strictObject({
  id: z.string().min(1).describe("the rule's id; a rule with a built-in rule's id replaces it"),
  match: pattern,
  score: z.number().min(-20).max(20).default(5).describe("how strongly a matching line explains a failure: ~8 outright, ~5 strong, ~2 weak, negative for noise"),
  category: z.enum(TRIAGE_CATEGORIES).optional().describe("the category a matching line votes for"),
  cause: z.string().optional().describe("the probable cause shown when this rule decides"),
  next: z.string().optional().describe("the suggested next step shown when this rule decides"),
  flaky: z.number().min(0).max(1).optional().describe("the chance that a failure this rule decides is intermittent"),
  caseSensitive: z.boolean().optional().describe("match case-sensitively (default: no)"),
  headline: z.number().int().min(0).max(5).optional().describe("how plainly a matching line names the failure, for the top line: 5 a test id or compiler error, 0 never"),
  role: z.enum(TRIAGE_ROLES).optional().describe("what a match means: failure, noise or rank (scoring; default from the sign of score), or a marker role (ends-report, command-failed, …) that never scores"),
  pack: z.string().min(1).optional().describe("the pack the rule belongs to (node, python, …); a file's `pack:` sets it for all its rules"),
});

/** The role a rule's score implies when it names none. */
export function scoringRole(score: number): TriageRole {
  return score > 0 ? "failure" : score < 0 ? "noise" : "rank";
}

const isScoringRole = (role: string): boolean => (TRIAGE_SCORING_ROLES as readonly string[]).includes(role);

/**
 * A scoring role must agree with the sign of the score (a `noise` rule that adds score is a
 * typo), and a marker, which never scores, takes none of a scoring rule's fields.
 */
export const triageRuleSchema = ruleFields.superRefine((rule, ctx) => {
  const role = rule.role;
  if (role === undefined) return;
  if (isScoringRole(role)) {
    if (role !== scoringRole(rule.score)) {
      ctx.addIssue({ code: "custom", path: ["role"], message: `role "${role}" needs a score ${role === "failure" ? "above 0" : role === "noise" ? "below 0" : "of 0"} (score is ${rule.score}); or use role ${scoringRole(rule.score)}` });
    }
    return;
  }
  for (const field of ["category", "headline", "cause", "next", "flaky"] as const) {
    // The one exception: the verdict that warnings were fatal may say what kind of check failed (lint).
    if (field === "category" && role === "warnings-fatal") continue;
    if (rule[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `a ${role} marker never scores nor classifies: drop ${field}, or make it a scoring rule (role failure, noise or rank)` });
  }
});
export type TriageRuleSpec = z.output<typeof triageRuleSchema>;

/** `triage:` in slipway.yaml. */
export const triageConfigSchema = z.strictObject({
  rules: z.array(triageRuleSchema).default([]).describe("extra triage rules for this service's pipelines (same fields as a rules file)"),
});

/** A rules file: a list of rules, or `{ pack?: name, rules: [...] }` (a pack: every rule gets its name). */
export const triageRulesFileSchema = z.union([
  z.array(triageRuleSchema),
  z.strictObject({ pack: z.string().min(1).optional().describe("the name of the pack these rules make up"), rules: z.array(triageRuleSchema) }),
]);

/** The rules of a parsed file, each carrying the file's pack name unless it names its own. */
export function rulesOfFile(file: z.output<typeof triageRulesFileSchema>): TriageRuleSpec[] {
  if (Array.isArray(file)) return file;
  const { pack } = file;
  return pack === undefined ? file.rules : file.rules.map((rule) => ({ pack, ...rule }));
}

/** Parses the text of a triage rules YAML file; every problem comes back located (file:line:column). */
export function parseTriageRules(text: string, file: string): { rules: TriageRuleSpec[] | undefined; errors: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { rules: undefined, errors: doc.errors.map((e) => yamlProblem(e, file, lineCounter)) };
  const { output, problems } = schemaProblems(triageRulesFileSchema, doc.toJS() ?? [], file, createLocator(doc, lineCounter));
  if (!output) return { rules: undefined, errors: problems };
  return { rules: rulesOfFile(output), errors: [] };
}
