/**
 * Where a failure report begins and ends: lines that report how a run ended rather than why (the
 * scan ends a block at one, a chosen block's ranges leave them out), the count that heads a
 * report, and a retry loop's final verdict. Which lines those are is the packs' knowledge (roles
 * `ends-report`, `report-frame`, `count-heading`, `retry`); the shapes every tool shares are here.
 */
import { maskLine } from "./mask.js";
import type { Markers } from "./rules/markers.js";
import type { Block, BlockLine } from "./blocks.js";

// What every report shares: blank lines, section bars (`==== FAILURES ====`, which opens the
// report) and rule lines. Left out of the ranges, they close nothing: the report may go on after them.
const FRAME = /^\s*$|^[=!_*-]{3,} .* [=!_*-]{3,}$|^\s*([-=_*#~])(?:\s*\1){9,}\s*$/;

/** A line that says how a run ended (a pack's `ends-report` or `report-frame`, or a blank or bar). */
export function outcomeLine(markers: Markers, text: string): boolean {
  return FRAME.test(text) || markers["ends-report"].test(text) || markers["report-frame"].test(text);
}

/** A line that ends the report of a failure (`error: aborting due to previous error`, make's `*** [x] Error 2`). */
export function endsReport(markers: Markers, text: string): boolean {
  return markers["ends-report"].test(text) && !FRAME.test(text) && !markers["report-frame"].test(text);
}

/** A line that reports how a run ended, or a line scored as not a failure (a passing test). */
function isOutcome(markers: Markers, l: BlockLine): boolean {
  return l.score < 0 || outcomeLine(markers, l.text);
}

/** A block made only of such lines (`1 out of 250 tests failed`) says how the run ended, not why. */
export function onlyOutcome(markers: Markers, b: Block): boolean {
  return b.lines.every((l) => isOutcome(markers, l));
}

/** A count that heads a report: a blank line or a pack's `count-heading`. */
const countHeading = (markers: Markers, text: string) => /^\s*$/.test(text) || markers["count-heading"].test(text);

/** A block's lines without the count that heads them and the outcome lines that close them (never all). */
export function withoutOutcomeTail(markers: Markers, b: Block): BlockLine[] {
  let end = b.lines.length;
  while (end > 1 && isOutcome(markers, b.lines[end - 1] as BlockLine)) end--;
  let start = afterLastRetry(markers, b.lines, end);
  while (start < end - 1 && countHeading(markers, (b.lines[start] as BlockLine).text)) start++;
  return start === 0 && end === b.lines.length ? b.lines : b.lines.slice(start, end);
}

/**
 * Where a retry loop's verdict starts: after the last retry announcement before `end`, when what
 * follows it is a new report (the loop giving up: `Execution of … failed`), not one more attempt
 * printing what the earlier ones did (then every attempt is the report). 0 if none.
 */
function afterLastRetry(markers: Markers, lines: readonly BlockLine[], end: number): number {
  for (let i = end - 2; i >= 0; i--) {
    if (!markers.retry.test((lines[i] as BlockLine).text)) continue;
    const scored = lines.slice(i + 1, end).filter((l) => l.score > 0);
    if (scored.length === 0) return 0;
    const attempts = new Set(lines.slice(0, i).map((l) => maskLine(l.text)));
    return scored.some((l) => attempts.has(maskLine(l.text))) ? 0 : i + 1;
  }
  return 0;
}
