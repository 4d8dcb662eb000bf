/**
 * What the lines around a line say about its score: inside a runner's warnings section, under a
 * traceback frame that quotes source, or in the trace of a logged warning, a line that reads like
 * an error reports nothing (it was quoted or handled). The packs say which lines those are
 * (roles `warnings-section`, `source-quote`, `warning`, `warning-trace`).
 */
import type { Markers } from "./rules/markers.js";

// A test runner's section bar (`===== FAILURES =====`): it ends any section before it.
const SECTION_BAR = /^={3,} \S.* ={3,}$/;

/** A line's score in its context, and whether it opens a runner's warnings section. */
export interface ContextVerdict {
  score: number;
  warningsSectionStarts: boolean;
}

/** Follows the context of the lines of one log, in order. */
export class LineContext {
  private afterSourceFrame = false;
  /** True inside a test runner's warnings section. */
  private inWarningsSection = false;
  /** True while the lines are the exception trace of a logged warning. */
  private inWarning = false;

  constructor(private readonly markers: Markers) {}

  /** Reads the next line and returns its score (the rules' `score`) adjusted to its context. */
  next(text: string, score: number): ContextVerdict {
    let warningsSectionStarts = false;
    // A runner's warnings section (`===== warnings summary =====`) lists warnings, up to its next section bar.
    if (SECTION_BAR.test(text)) {
      this.inWarningsSection = this.markers["warnings-section"].test(text);
      warningsSectionStarts = this.inWarningsSection;
    }
    if (this.inWarningsSection) score = Math.min(score, 0);
    // Source code quoted by a traceback (`return fetch(url, timeout=timeout)`) names nothing.
    if (this.afterSourceFrame && score > 0 && /^\s/.test(text)) score = 0;
    this.afterSourceFrame = this.markers["source-quote"].test(text); // anchored: only the start of the line is read
    // A logged warning and the exception it carries were handled: not the failure, nor part of one.
    const warning = this.markers.warning.test(text);
    const warningTrace = !warning && this.inWarning && this.markers["warning-trace"].test(text);
    if (warning) score = Math.min(score, 1);
    else if (warningTrace) score = Math.min(score, -1);
    this.inWarning = warning || warningTrace;
    return { score, warningsSectionStarts };
  }
}
