/**
 * The built-in triage rules: the packs of packs/ (one per ecosystem or CI system, as data; a
 * TypeScript module rather than YAML so that they ship in dist/ without a copy step; user rules
 * files use the same fields in YAML, docs/triage.md), and the advice per category.
 *
 * Scores: ~8 a line that names the failure outright, ~5 a strong signal, ~2 a weak one, negative
 * for lines that look like errors and are not (summaries with zero failures, file names).
 * Headlines (RuleSpec.headline) rank lines for the top line only: 5 the failing unit, 4 an error
 * message, 3 a terminal condition, 2 a named cause, 0 a summary or wrapper; scores do not move.
 * The rules are general across languages and CI systems on purpose: they are measured on logs
 * of repositories they were not written from.
 */
import type { Category } from "../types.js";

export { BUILT_IN_PACKS, DEFAULT_RULES } from "./packs/index.js";

/** Default cause and next step per category, used when the matching rule names none. */
export const CATEGORY_ADVICE: Record<Category, { cause: string; next: string; flaky: number }> = {
  compile: { cause: "the code does not compile or type-check", next: "fix the compiler error at the file and line shown; reproduce with the same build command locally", flaky: 0.05 },
  test: { cause: "a test failed", next: "run the failing test locally; if it passes on retry without a change, mark it flaky and quarantine it", flaky: 0.2 },
  lint: { cause: "lint or formatting checks failed", next: "run the linter/formatter locally and commit the result", flaky: 0.02 },
  dependency: { cause: "a dependency could not be resolved, downloaded or built", next: "check the version constraints and lockfile; make sure the package or image exists in the registry", flaky: 0.3 },
  missing_env: { cause: "a required environment variable or secret is missing", next: "define the variable or secret for this pipeline (CI settings / slipway.yaml build.env) and re-run", flaky: 0.05 },
  permission: { cause: "permission or authentication was refused", next: "check the credentials, token scopes and roles the pipeline uses for this registry, cloud or git host", flaky: 0.25 },
  network: { cause: "a network, DNS or TLS error", next: "retry; if it persists, check the remote service status, proxy and certificates", flaky: 0.8 },
  timeout: { cause: "a step or test ran out of time", next: "look for a hang or slow test; raise the timeout only if the work legitimately grew", flaky: 0.6 },
  oom: { cause: "the process ran out of memory or was killed", next: "reduce parallelism or memory use, or give the job a larger runner", flaky: 0.5 },
  disk_full: { cause: "the disk of the runner is full", next: "clean caches/artifacts on the runner or use a larger disk; retry on another runner", flaky: 0.75 },
  health_check: { cause: "the service did not pass its health or readiness check", next: "read the service's own log around start-up; check the port, readiness path and timeout", flaky: 0.3 },
  crash: { cause: "the program crashed: an uncaught exception, a panic or a fatal signal", next: "read the stack trace from its top: the first frame in your own code is where it broke; run the same command locally to reproduce", flaky: 0.1 },
  infrastructure: { cause: "the CI runner or its infrastructure failed", next: "retry the job; if it repeats, report it to the CI/runner owners", flaky: 0.85 },
  unknown: { cause: "no known failure pattern matched", next: "read the evidence lines; confirm the right lines with `slipway triage confirm` so later runs learn them", flaky: 0.3 },
};
