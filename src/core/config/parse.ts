import { deployabilityChecks } from "./checks.js";
import { createLocator } from "./locate.js";
import { schemaProblems } from "./issues.js";
import { serviceConfigSchema } from "./schema.js";
import type { ConfigProblem, ConfigResult } from "./problem.js";
import { parseBoundedYaml } from "./yaml-bounds.js";

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column || a.path.localeCompare(b.path);
}


/**
 * Parses and lints the text of a slipway.yaml. Every problem comes back at once, each with
 * file:line:column, the dotted key and a message naming what was found and what is allowed.
 * `config` is set (with defaults applied, durations in ms) only when there are no errors.
 */
export function parseServiceConfig(text: string, file: string): ConfigResult {
  const parsed = parseBoundedYaml(text, file);
  const { doc, lineCounter, data, warnings } = parsed;
  // Past a syntax error (or a refused shape) the tree is a guess; schema errors from it would mislead.
  if (parsed.errors.length > 0) return { config: undefined, errors: capped(parsed.errors.sort(byPosition), file), warnings };
  if (data === null || data === undefined) {
    const empty: ConfigProblem = {
      file,
      line: 1,
      column: 1,
      path: "",
      message: "the file is empty; a slipway.yaml declares at least service, owner, run and environments",
      hint: "create one with `slipway init`",
    };
    return { config: undefined, errors: [empty], warnings };
  }
  const named = (data as { service?: unknown }).service;
  const serviceName = typeof named === "string" ? named : undefined;
  const locate = createLocator(doc, lineCounter);
  const { output, problems } = schemaProblems(serviceConfigSchema, data, file, locate);
  const checks = deployabilityChecks(data, file, locate);
  const errors = [...problems, ...checks.errors].sort(byPosition);
  return {
    config: errors.length === 0 ? output : undefined,
    serviceName,
    errors: capped(errors, file),
    warnings: capped([...warnings, ...checks.warnings].sort(byPosition), file),
  };
}

/** Problems reported at most (the rest are counted): a person fixes the first ones first. */
export const MAX_PROBLEMS = 500;

function capped(problems: ConfigProblem[], file: string): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const last = problems[MAX_PROBLEMS - 1]!;
  const rest = problems.length - MAX_PROBLEMS;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { file, line: last.line, column: last.column, path: "", message: `and ${rest} more problem${rest === 1 ? "" : "s"} of the same kind not shown`, hint: "fix the ones above and check again" },
  ];
}
