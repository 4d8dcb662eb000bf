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
  "infrastructure",
  "unknown",
] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

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

export const triageRuleSchema = z.strictObject({
  id: z.string().min(1).describe("the rule's id; a rule with a built-in rule's id replaces it"),
  match: pattern,
  score: z.number().min(-20).max(20).default(5).describe("how strongly a matching line explains a failure: ~8 outright, ~5 strong, ~2 weak, negative for noise"),
  category: z.enum(TRIAGE_CATEGORIES).optional().describe("the category a matching line votes for"),
  cause: z.string().optional().describe("the probable cause shown when this rule decides"),
  next: z.string().optional().describe("the suggested next step shown when this rule decides"),
  flaky: z.number().min(0).max(1).optional().describe("the chance that a failure this rule decides is intermittent"),
  caseSensitive: z.boolean().optional().describe("match case-sensitively (default: no)"),
  headline: z.number().int().min(0).max(5).optional().describe("how plainly a matching line names the failure, for the top line: 5 a test id or compiler error, 0 never"),
});
export type TriageRuleSpec = z.output<typeof triageRuleSchema>;

/** `triage:` in slipway.yaml. */
export const triageConfigSchema = z.strictObject({
  rules: z.array(triageRuleSchema).default([]).describe("extra triage rules for this service's pipelines (same fields as a rules file)"),
});

/** A rules file: a list of rules, or `{ rules: [...] }`. */
export const triageRulesFileSchema = z.union([z.array(triageRuleSchema), z.strictObject({ rules: z.array(triageRuleSchema) })]);

/** Parses the text of a triage rules YAML file; every problem comes back located (file:line:column). */
export function parseTriageRules(text: string, file: string): { rules: TriageRuleSpec[] | undefined; errors: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { rules: undefined, errors: doc.errors.map((e) => yamlProblem(e, file, lineCounter)) };
  const { output, problems } = schemaProblems(triageRulesFileSchema, doc.toJS() ?? [], file, createLocator(doc, lineCounter));
  if (!output) return { rules: undefined, errors: problems };
  return { rules: Array.isArray(output) ? output : output.rules, errors: [] };
}
