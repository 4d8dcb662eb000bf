/** Flags of the parent that make no sense for a long-lived supervisor (test runner, debugger, watch mode). */
const DROPPED_FLAG = /^--(test|experimental-test|inspect|debug|watch|cpu-prof|heap-prof)/;
/** Of those, the ones whose value may come as the next argument. */
const DROPPED_WITH_VALUE = new Set([
  "--test-reporter",
  "--test-reporter-destination",
  "--test-name-pattern",
  "--test-skip-pattern",
  "--test-concurrency",
  "--test-timeout",
  "--test-shard",
  "--watch-path",
]);

/**
 * The node flags a long-lived child (the router daemon, a replica's shim) inherits from this
 * process: without test-runner, debugger and watch flags, and without the TypeScript loader
 * when the child's script is compiled JavaScript (loading tsx there only costs start-up time).
 */
export function childExecArgv(script: string, execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? "";
    if (DROPPED_FLAG.test(arg)) {
      if (DROPPED_WITH_VALUE.has(arg)) i++;
      continue;
    }
    if (script.endsWith(".js") && isTsLoader(arg, execArgv[i + 1])) {
      if (!arg.includes("=")) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}

/** `--import tsx`, `--require …/tsx/…`, `--loader=tsx` and the like. */
function isTsLoader(arg: string, next: string | undefined): boolean {
  const match = /^--(import|require|loader|experimental-loader)(=(.*))?$/.exec(arg);
  if (!match) return false;
  const value = match[3] ?? next ?? "";
  return /(^|[/\\@])tsx([/\\]|$)/.test(value);
}
