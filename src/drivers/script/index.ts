/** The script driver: environments deployed by the team's own commands (see run.ts). */
export { runScriptCommand, EXIT_RETRY } from "./run.js";
export type { ScriptAttempt, ScriptCommandName, ScriptCommandSpec, ScriptHooks, ScriptOutcome } from "./run.js";
export { stopLeftover, RUN_ID_VAR } from "./leftover.js";
export { OUTPUT_PREFIX } from "./outputs.js";
