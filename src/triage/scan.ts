/**
 * The single streaming pass over a failed log: each line is cleaned and judged by the rules once
 * (in the context of the lines around it), handed to the refinement steps, and grouped into
 * candidate blocks (blocks.ts). When steps move line scores, the rules' own view of the same
 * lines is a second block track fed from the same judgement, for the signature.
 */
import { BlockTrack, MAX_BLOCK_LINES, type ScanResult, type TrackLine } from "./blocks.js";
import { commandMark } from "./commands.js";
import { LineContext } from "./line-context.js";
import { cleanLine, stepMark } from "./lines.js";
import { lineView, type Refinement } from "./refine.js";
import { judgeLine, type RuleSet } from "./rules/rules.js";

export type { Block, BlockLine, FailedCommand, ScanResult } from "./blocks.js";
export { blockStrength } from "./blocks.js";

/** Options of a scan. */
export interface ScanOptions {
  rules: RuleSet;
  /** Refinement steps, in order (refine.ts). */
  steps?: readonly Refinement[];
}

// An ANSI SGR sequence that sets a red foreground (31, bright 91, or 38;5;1/9).
// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters
const RED = /\x1b\[(?:[\d;]*;)?(?:31|91|38;5;(?:1|9))(?:;[\d;]*)?m/;

/** Streaming scanner; feed raw lines with {@link FailureScanner.line}, then call {@link FailureScanner.finish}. */
export class FailureScanner {
  private lineCount = 0;
  private readonly context: LineContext;
  private readonly steps: readonly Refinement[];
  private readonly lineSteps: readonly Refinement[];
  /** The blocks as the steps refine them. */
  private readonly refined: BlockTrack;
  /** The blocks as the rules alone build them, when a step moves line scores. */
  private readonly rulesOnly: BlockTrack | undefined;

  constructor(private readonly options: ScanOptions) {
    const markers = options.rules.markers;
    this.steps = options.steps ?? [];
    this.lineSteps = this.steps.filter((s) => s.line);
    this.context = new LineContext(markers);
    const maxBlockLines = Math.max(MAX_BLOCK_LINES, ...this.steps.map((s) => s.maxBlockLines ?? 0));
    this.refined = new BlockTrack(markers, { leads: this.steps.some((s) => s.leads), maxBlockLines });
    this.rulesOnly = this.lineSteps.length > 0 ? new BlockTrack(markers, { leads: false, maxBlockLines: MAX_BLOCK_LINES }) : undefined;
  }

  /** Handles one raw line. */
  line(raw: string, no: number): void {
    this.lineCount = no;
    for (const s of this.steps) s.raw?.(raw, no);
    const text = cleanLine(raw);
    if (raw.includes("##[group]") || raw.includes("section_start:") || raw.includes("travis_fold:start")) {
      const mark = stepMark(raw, text);
      if (mark) {
        this.refined.stepStarts(mark.name);
        this.rulesOnly?.stepStarts(mark.name);
        return;
      }
    }
    const { rules } = this.options;
    const verdict = judgeLine(rules, text);
    const context = this.context.next(text, verdict.score);
    const judged: TrackLine = {
      no,
      text,
      score: context.score,
      verdict,
      red: raw.includes("\x1b[") && RED.test(raw),
      command: commandMark(rules.markers, text),
      sectionStarts: context.warningsSectionStarts,
      novel: undefined,
      continues: false,
    };
    if (!this.rulesOnly) return this.refined.line(judged);
    this.rulesOnly.line(judged);
    const view = lineView(no, text, context.score);
    for (const s of this.lineSteps) s.line?.(view);
    this.refined.line({ ...judged, score: view.score, novel: view.novel, continues: view.continues ?? false });
  }

  /** Ends the scan and returns the bounded candidates (and the rules' own, when steps moved scores). */
  finish(): ScanResult {
    const scan = this.refined.finish(this.lineCount);
    if (this.rulesOnly) scan.rulesOnly = this.rulesOnly.finish(this.lineCount);
    return scan;
  }
}
