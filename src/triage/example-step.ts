/**
 * The few-shot refinement step: confirmed answers for earlier logs of the same pipeline raise the
 * score of lines like theirs during the scan, and a window of the log aligned with a confirmed
 * chunk (by the lines around it, or by its text) may replace the rules' answer.
 */
import { AnchorMatcher, type AnchorMatch } from "./anchors.js";
import type { BlockLine, ScanResult } from "./blocks.js";
import { buildExampleModel, ExampleMatcher } from "./examples.js";
import type { Refinement } from "./refine.js";
import { lineHeadline, type RuleSet } from "./rules/rules.js";
import type { Selection } from "./select.js";
import type { ConfirmedExample } from "./types.js";

/** The few-shot step for these confirmed examples; none when no example has a line. */
export function examplesStep(examples: readonly ConfirmedExample[]): Refinement | undefined {
  const model = buildExampleModel(examples);
  if (!model) return undefined;
  const matcher = new ExampleMatcher(examples);
  const anchors = new AnchorMatcher(examples);
  const anchored = anchors.usable ? anchors : undefined;
  return {
    method: "examples",
    ...(anchored ? { raw: (raw: string, no: number) => anchored.line(raw, no) } : {}),
    line(view) {
      view.score += model.scoreLine(view.masked());
      matcher.line(view.no, view.text, view.masked());
    },
    answer(sel, scan, rules) {
      const placed = withExampleMatch(sel, { scan, rules }, matcher, anchored);
      if (placed === sel) return undefined;
      return { sel: placed, why: placed.ranges.map((r) => `lines ${r.start}-${r.end}: where a confirmed example fits (the lines around it, or its text)`) };
    },
  };
}

/**
 * Aligned windows at least this similar to a confirmed chunk replace the rule-based choice
 * (LogChunks, 3 examples: 0.5 -> F1 0.619, 0.7 -> 0.629/0.636, 0.8 -> 0.634; below it, the rules
 * with the example-boosted line scores do better).
 */
const USE_MATCH = 0.7;

/**
 * A window placed by the anchors of the confirmed chunks (the lines around them) at least this
 * well (out of 5) is the answer, before the text alignment (LogChunks, 3 examples: 2.5 -> F1 0.702,
 * 3.0 -> 0.687).
 */
const USE_ANCHORS = 2.5;

/**
 * A headline rank that names a failure: a failing test, a compiler diagnostic, an error or
 * exception message (not a timeout, a wrapper or a mere `error` word).
 */
const NAMES_FAILURE = 4;

/**
 * The rules name a failure elsewhere than the anchored window, and nothing in that window reads
 * like a failure or like a confirmed chunk (it was placed by the lines around it alone): the
 * confirmed examples were of another kind of failure (a later step's, a timeout's trailer) and
 * the rules' failure is the answer (LogChunks, 3 examples: F1 0.796 -> 0.807).
 */
function rulesNameAnotherFailure(sel: Selection, placed: AnchorMatch, { scan, rules }: { scan: ScanResult; rules: RuleSet }): boolean {
  if (!sel.top || (lineHeadline(rules, sel.top.text) ?? 0) < NAMES_FAILURE) return false;
  if (sel.ranges.some((r) => r.start <= placed.end && placed.start <= r.end)) return false;
  return !scan.blocks.some((b) => b.lines.some((l) => l.score > 0 && l.no >= placed.start && l.no <= placed.end));
}

/**
 * When the lines around a confirmed chunk recur in the log, the window between them is the
 * answer (unless the rules name another failure and the window holds nothing flagged); else
 * when the log holds a window that reads like a confirmed chunk, that window.
 */
function withExampleMatch(sel: Selection, scanned: { scan: ScanResult; rules: RuleSet }, matcher: ExampleMatcher, anchors: AnchorMatcher | undefined): Selection {
  const placed = anchors?.finish();
  if (placed && placed.score >= USE_ANCHORS && rulesNameAnotherFailure(sel, placed, scanned)) return sel;
  const aligned = matcher.finish();
  const m = placed && placed.score >= USE_ANCHORS ? placed : aligned && aligned.score >= USE_MATCH ? aligned : undefined;
  if (!m) return sel;
  const byNo = new Map(sel.lines.map((l) => [l.no, l]));
  const lines: BlockLine[] = m.lines.map((l) => byNo.get(l.no) ?? { no: l.no, text: l.text, score: 0, rule: undefined, categorized: [] });
  const top = lines.reduce<BlockLine | null>((t, l) => (!t || l.score > t.score ? l : t), null);
  return { blocks: sel.blocks, ranges: [{ start: m.start, end: m.end }], lines, top, step: sel.step };
}

