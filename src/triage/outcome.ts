/**
 * Where a failure report begins and ends: lines that report how a run ended rather than why (the
 * scan ends a block at one, a chosen block's ranges leave them out), the count that heads a
 * report, and a retry loop's final verdict.
 */
import { maskLine } from "./mask.js";
import type { Block, BlockLine } from "./scan.js";

// Lines that only report how a run ended (a Go package's `FAIL`, make's `*** [target] Error 2` and
// `Leaving directory`, a test runner's or linter's closing bar or totals (eslint's `✖ 3 problems
// (3 errors, 0 warnings)` and its `--fix` hint), the `  ...` ending a TAP diagnostic,
// a rule line, the linker driver's exit status, a hint to rerun for a backtrace or to read an
// error's explanation, cargo's `Could not compile `x`` after rustc's errors): people mark the
// failure they close, not them.
export const OUTCOME = /^\s*$|^FAIL(?:\s|$)|^make(?:\[\d+\])?: (?:\*\*\* \[.*\] Error \d+|Leaving directory)|^\s*(?:=== RUN|--- (?:PASS|SKIP))\b|^\s*[✓✔] |^ninja: build stopped|^[=!_*-]{3,} .* [=!_*-]{3,}$|^\(?see full trace\b|\bfor a (?:full |verbose )?backtrace\b|^for more information about this error\b|^coverage: |^FAILURES!$|^Tests: \d+, Assertions: \d+|^collect2: (?:error: )?ld returned \d+ exit status|^Test suite \S+: FAIL|^\d+ out of \d+ tests failed|\bTEST COMPLETE, \d+ ok\b|\*\*\* (?:FAILED|SKIPPED) (?:test case|\{)|^\s*([-=_*#~])(?:\s*\1){9,}\s*$|\.\.\. OK\s*$|^\* DONE\s*$|^\s*Execution halted\s*$|^\s*[✖×]?\s*\d+ problems? \(\d+ errors?, \d+ warnings?\)\s*$|\bpotentially fixable with the `--fix` option|^\s+\.\.\.\s*$|^error: aborting due to (?:\d+ )?previous errors?\b|^error: (?:could not compile `[^`]+`\.?|build failed)\s*$/i;

// Blank lines, passing tests and section bars (`==== FAILURES ====`, which opens the report) are
// left out of the ranges too, but they close nothing: the report may go on after them.
const CLOSES_NOTHING = /^\s*$|^\s*(?:=== RUN|--- (?:PASS|SKIP))\b|^\s*[✓✔] |^[=!_*-]{3,} .* [=!_*-]{3,}$|^\s*([-=_*#~])(?:\s*\1){9,}\s*$/;

/** A line that ends the report of a failure (`error: aborting due to previous error`, make's `*** [x] Error 2`). */
export function endsReport(text: string): boolean {
  return OUTCOME.test(text) && !CLOSES_NOTHING.test(text);
}

/** A line that reports how a run ended, or a line scored as not a failure (a passing test). */
function isOutcome(l: BlockLine): boolean {
  return l.score < 0 || OUTCOME.test(l.text);
}

// A count of what failed that heads the report of each (`There was 1 failure:`, `2 failing`,
// JUnit's `Tests run: 15, Failures: 1, ...`).
const COUNT_HEADING = /^\s*$|^\s*(?:there (?:was|were) )?\d+ (?:tests? )?(?:failures?|errors?|failed|failing)\b[^.]*$|^Tests run: \d+, Failures: \d+/i;

/** A block made only of such lines (`1 out of 250 tests failed`) says how the run ended, not why. */
export function onlyOutcome(b: Block): boolean {
  return b.lines.every(isOutcome);
}

// A line announcing that what failed is tried again (`Failed to restore X, retrying...`).
const RETRY = /\bretrying\b|\bwill retry\b|\bretry(?:ing)? (?:in|after) \d/i;

/** A block's lines without the count that heads them and the outcome lines that close them (never all). */
export function withoutOutcomeTail(b: Block): BlockLine[] {
  let end = b.lines.length;
  while (end > 1 && isOutcome(b.lines[end - 1] as BlockLine)) end--;
  let start = afterLastRetry(b.lines, end);
  while (start < end - 1 && COUNT_HEADING.test((b.lines[start] as BlockLine).text)) start++;
  return start === 0 && end === b.lines.length ? b.lines : b.lines.slice(start, end);
}

/**
 * Where a retry loop's verdict starts: after the last retry announcement before `end`, when what
 * follows it is a new report (the loop giving up: `Execution of … failed`), not one more attempt
 * printing what the earlier ones did (then every attempt is the report). 0 if none.
 */
function afterLastRetry(lines: readonly BlockLine[], end: number): number {
  for (let i = end - 2; i >= 0; i--) {
    if (!RETRY.test((lines[i] as BlockLine).text)) continue;
    const scored = lines.slice(i + 1, end).filter((l) => l.score > 0);
    if (scored.length === 0) return 0;
    const attempts = new Set(lines.slice(0, i).map((l) => maskLine(l.text)));
    return scored.some((l) => attempts.has(maskLine(l.text))) ? 0 : i + 1;
  }
  return 0;
}
