/**
 * What the lines around a line say about its score: inside a runner's warnings section, under a
 * Python traceback frame, or in the trace of a logged warning, a line that reads like an error
 * reports nothing (it was quoted or handled).
 */

// A test runner's section bar (`===== FAILURES =====`), and the one of its warnings section.
const SECTION_BAR = /^={3,} \S.* ={3,}$/;
const WARNINGS_SECTION = /^={3,} warnings summary ={3,}$/i;
// A Python traceback frame; the indented line after it is source code, not a message.
const PY_FRAME = /^\s*File "[^"]+", line \d+/;
// A line a logger wrote at WARNING level (`WARNING: ...`, `[WARN] ...`, `12:00:01 WARN Pool - ...`).
const WARNING_LINE = /^(?:[\d:.,\- T]+\s+)?\[?WARN(?:ING)?\b\]?:?\s/;
// The exception a logged warning carries: its header, causes and frames.
const WARNING_TRACE = /^\s*(?:[\w$.]+(?:Exception|Error|Throwable)\b|caused by|at |\.\.\. \d+ more)/i;

/** A line's score in its context, and whether it opens a runner's warnings section. */
export interface ContextVerdict {
  score: number;
  warningsSectionStarts: boolean;
}

/** Follows the context of the lines of one log, in order. */
export class LineContext {
  private afterPyFrame = false;
  /** True inside a test runner's warnings section. */
  private inWarningsSection = false;
  /** True while the lines are the exception trace of a logged warning. */
  private inWarning = false;

  /** Reads the next line and returns its score (the rules' `score`) adjusted to its context. */
  next(text: string, score: number): ContextVerdict {
    let warningsSectionStarts = false;
    // A runner's warnings section (`===== warnings summary =====`) lists warnings, up to its next section bar.
    if (SECTION_BAR.test(text)) {
      this.inWarningsSection = WARNINGS_SECTION.test(text);
      warningsSectionStarts = this.inWarningsSection;
    }
    if (this.inWarningsSection) score = Math.min(score, 0);
    // Source code quoted by a traceback (`return run(..., timeout=timeout)`) names nothing.
    if (this.afterPyFrame && score > 0 && /^\s/.test(text)) score = 0;
    this.afterPyFrame = PY_FRAME.test(text); // anchored: only the start of the line is read
    // A logged warning and the exception it carries were handled: not the failure, nor part of one.
    const warning = WARNING_LINE.test(text);
    const warningTrace = !warning && this.inWarning && WARNING_TRACE.test(text);
    if (warning) score = Math.min(score, 1);
    else if (warningTrace) score = Math.min(score, -1);
    this.inWarning = warning || warningTrace;
    return { score, warningsSectionStarts };
  }
}
