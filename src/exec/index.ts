/**
 * Running shell commands: one command line in its own process group, time-limited, with the
 * end of its output kept and redacted. The public face of src/exec.
 */
export { runCommand, killGroup, OUTPUT_LIMIT, KILL_GRACE_MS } from "./run.js";
export type { CommandEnd, CommandLaunch, CommandOptions } from "./run.js";
