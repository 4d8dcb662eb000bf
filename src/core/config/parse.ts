import { LineCounter, parseDocument } from "yaml";
import { deployabilityChecks } from "./checks.js";
import { createLocator } from "./locate.js";
import { schemaProblems } from "./issues.js";
import { serviceConfigSchema } from "./schema.js";
import { yamlProblem, type ConfigProblem, type ConfigResult } from "./problem.js";

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column || a.path.localeCompare(b.path);
}


/**
 * Parses and lints the text of a slipway.yaml. Every problem comes back at once, each with
 * file:line:column, the dotted key and a message naming what was found and what is allowed.
 * `config` is set (with defaults applied, durations in ms) only when there are no errors.
 */
export function parseServiceConfig(text: string, file: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const warnings = doc.warnings.map((w) => yamlProblem(w, file, lineCounter));
  if (doc.errors.length > 0) {
    // Past a syntax error the tree is a guess; schema errors from it would mislead.
    return { config: undefined, errors: doc.errors.map((e) => yamlProblem(e, file, lineCounter)), warnings };
  }
  const data: unknown = doc.toJS();
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
  const locate = createLocator(doc, lineCounter);
  const { output, problems } = schemaProblems(serviceConfigSchema, data, file, locate);
  const checks = deployabilityChecks(data, file, locate);
  const errors = [...problems, ...checks.errors].sort(byPosition);
  return {
    config: errors.length === 0 ? output : undefined,
    errors,
    warnings: [...warnings, ...checks.warnings].sort(byPosition),
  };
}
