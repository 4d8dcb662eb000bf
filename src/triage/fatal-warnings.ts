/**
 * Warnings that fail the run: a tool built with warnings as errors (GHC's `-Werror`, javac's
 * `-Werror`, scalac's `-Xfatal-warnings`, ESLint's `--max-warnings`) prints its warnings as
 * warnings and only then says they were fatal. The warning diagnostics of that command are then
 * the failure, though each alone reads as a harmless warning. So are they when the command failed
 * with nothing in its output scoring (a linter that exits 1 on warnings: see commands.ts).
 */
import type { CommandMark } from "./commands.js";
import type { BlockLine } from "./blocks.js";
import type { Markers } from "./rules/markers.js";
import type { CompiledRule } from "./rules/rules.js";
import type { Category, RuleSpec } from "./types.js";

/** Score a warning diagnostic gets once its tool says warnings are fatal: that of a compiler error. */
const FATAL_WARNING_SCORE = 6;

/** What a build that fails on warnings means, by the category its verdict marker gives (default compile). */
const FATAL_WARNING_TEXT: Partial<Record<Category, Pick<RuleSpec, "cause" | "next">>> = {
  compile: { cause: "the build treats warnings as errors, and these warnings failed it", next: "fix the warnings shown, or stop treating warnings as errors for this build" },
  lint: { cause: "the linter allows only so many warnings, and these went over the limit", next: "fix the warnings shown, or raise the linter's warning limit (e.g. ESLint's --max-warnings)" },
};

/**
 * What a fatal warning is credited to (no pack's rule: a marker gave the verdict), so that the
 * answer is classified, explained and offered as the top line like a compiler error.
 */
function fatalWarningRule(category: Category): CompiledRule {
  const text = FATAL_WARNING_TEXT[category] ?? FATAL_WARNING_TEXT.compile;
  return { spec: { id: "warnings-made-fatal", score: FATAL_WARNING_SCORE, match: "(?!)", category, headline: 4, ...text }, re: /(?!)/, needs: [] };
}
const FATAL_WARNING_RULE = fatalWarningRule("compile");
const byCategory = new Map<Category, CompiledRule>([["compile", FATAL_WARNING_RULE]]);

/** The warnings credited to the rule of the verdict's category instead of the default. */
function recredited(lines: BlockLine[], category: Category | undefined): BlockLine[] {
  if (category === undefined || category === "compile") return lines;
  let rule = byCategory.get(category);
  if (!rule) byCategory.set(category, (rule = fatalWarningRule(category)));
  const swap = (r: CompiledRule) => (r === FATAL_WARNING_RULE ? (rule as CompiledRule) : r);
  return lines.map((l) => (l.rule === FATAL_WARNING_RULE ? { ...l, rule: swap(l.rule), categorized: l.categorized.map(swap) } : l));
}

/** Lines of warnings kept per command (the latest): a longer report is shown by its last ones. */
const KEEP_LINES = 80;
/** Lines after the last warning within which its tool's verdict is looked for. */
const VERDICT_WITHIN = 200;
/** Lines a warning's detail may run (indented under it). */
const MAX_DETAIL = 12;

const INDENTED = /^\s+\S/;

/** Follows the warning diagnostics of the current command, line by line. */
export class FatalWarnings {
  private lines: BlockLine[] = [];
  private detail = -1; // lines of detail since the last warning; -1 outside one
  private sinceWarning = VERDICT_WITHIN; // lines since the last warning

  constructor(private readonly markers: Markers) {}

  /**
   * Takes one line (its command mark too); when the line says the warnings were fatal, returns
   * the command's warnings, their diagnostic lines scored as failures.
   */
  see(entry: BlockLine, command: CommandMark): BlockLine[] | undefined {
    if (command === "start") return void this.reset();
    // Tools give the verdict right after their warnings: the test runs only then, not on every line.
    // (Within that window a warning was kept, so the verdict always has lines to return.)
    const verdict = this.markers["warnings-fatal"];
    if (this.sinceWarning++ < VERDICT_WITHIN && verdict.test(entry.text)) return recredited(this.take(), verdict.categoryOf?.(entry.text));
    if (this.markers["warning-diagnostic"].test(entry.text)) {
      const categorized = entry.categorized.length > 0 ? entry.categorized : [FATAL_WARNING_RULE];
      this.keep({ ...entry, score: Math.max(entry.score, FATAL_WARNING_SCORE), rule: FATAL_WARNING_RULE, categorized });
      this.detail = 0;
      this.sinceWarning = 0;
    } else if (this.detail >= 0 && this.detail < MAX_DETAIL && (INDENTED.test(entry.text) || this.markers.continuation.test(entry.text))) {
      this.keep(entry);
      this.detail++;
    } else this.detail = -1;
    return undefined;
  }

  /** The current command's warnings so far (it failed: they may be why), forgetting them. */
  take(): BlockLine[] {
    const out = this.lines;
    this.reset();
    return out;
  }

  private keep(line: BlockLine): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
  }

  private reset(): void {
    this.lines = [];
    this.detail = -1;
    this.sinceWarning = VERDICT_WITHIN;
  }
}
