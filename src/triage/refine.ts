/**
 * Refinement steps: what a passing log, confirmed examples or a background of normal lines add
 * to the rules. The pipeline is one: scan (each line judged once by the rules) → candidate
 * blocks → rank and choose → top line; a step plugs into it at the stages it needs, and the
 * pipeline runs the steps in order at each stage without knowing which mode it is in.
 */
import { maskLine } from "./mask.js";
import type { RuleSet } from "./rules/rules.js";
import type { ScanResult } from "./blocks.js";
import type { Selection, SelectOptions } from "./select.js";
import type { TriageResult } from "./types.js";

/** One judged line as the steps see it in the scan; a step may move its score and mark it. */
export interface LineView {
  readonly no: number;
  /** The cleaned line. */
  readonly text: string;
  /** The rules' score in context, as moved by the steps before. */
  score: number;
  /** False when a reference run (a passing log) prints the line too, true when it does not; undefined when nothing compared. */
  novel?: boolean;
  /** The line continues a block it follows, whatever its shape. */
  continues?: boolean;
  /** The masked line (computed once, for the steps that ask). */
  masked(): string;
}

/** What a refined answer replaces: its lines, and why (one line per block) when a step chose them. */
export interface RefinedAnswer {
  sel: Selection;
  why: string[];
}

/** A refinement step; every stage is optional. */
export interface Refinement {
  /** The mode the step makes (`method` of the result); the last step naming one wins. */
  readonly method?: Exclude<TriageResult["method"], "rules">;
  /** Scan: every raw line, step markers included (for steps that align raw text). */
  raw?(raw: string, no: number): void;
  /** Scan: every judged line, in order. */
  line?(view: LineView): void;
  /** Scan: the step marks lines new, and a run of new lines leads the block after it. */
  readonly leads?: boolean;
  /** Scan: most lines of a block (a step that keeps long reports whole). */
  readonly maxBlockLines?: number;
  /** Choice: tuning of the choice among the blocks. */
  readonly select?: Partial<SelectOptions>;
  /** Choice: the chosen lines, before the top line is chosen. */
  chosen?(sel: Selection): Selection;
  /** Answer: a replacement for the chosen lines with their top line, or undefined to keep them. */
  answer?(sel: Selection, scan: ScanResult, rules: RuleSet): RefinedAnswer | undefined;
}

/** A line view over a judged line; the masked text is computed at most once. */
export function lineView(no: number, text: string, score: number): LineView {
  let masked: string | undefined;
  return { no, text, score, masked: () => (masked ??= maskLine(text)) };
}

/** The mode the steps make: the last one naming a mode. */
export function methodOf(steps: readonly Refinement[]): TriageResult["method"] {
  let method: TriageResult["method"] = "rules";
  for (const s of steps) if (s.method) method = s.method;
  return method;
}

/** The choice's tuning from every step (later steps override earlier ones). */
export function selectTuning(steps: readonly Refinement[]): Partial<SelectOptions> {
  return Object.assign({}, ...steps.map((s) => s.select ?? {})) as Partial<SelectOptions>;
}
