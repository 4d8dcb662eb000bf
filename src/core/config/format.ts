import type { ConfigProblem, ConfigResult } from "./problem.js";

/**
 * One problem as a line a person reads and an editor can jump to:
 * `slipway.yaml:7:11: environments.dev.strategy.type: found "blue_green"; allowed: rolling, blue-green, canary`.
 * Warnings say so after the position; a hint, if any, follows on its own indented line.
 */
export function formatProblem(p: ConfigProblem, severity: "error" | "warning" = "error"): string {
  // Messages that already name their key ("missing required key run.command: …") skip the prefix.
  const key = p.path === "" || p.message.includes(`${p.path}:`) ? "" : `${p.path}: `;
  const level = severity === "warning" ? "warning: " : "";
  const line = `${p.file}:${p.line}:${p.column}: ${level}${key}${p.message}`;
  return p.hint ? `${line}\n    hint: ${p.hint}` : line;
}

/** Every error, then every warning, of a parse result, one `formatProblem` entry each. */
export function formatProblems(result: Pick<ConfigResult, "errors" | "warnings">): string[] {
  return [
    ...result.errors.map((p) => formatProblem(p, "error")),
    ...result.warnings.map((p) => formatProblem(p, "warning")),
  ];
}
