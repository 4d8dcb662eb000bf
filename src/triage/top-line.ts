/**
 * The top line: the one line that names the failure. The chosen ranges say where the failure is
 * explained; the top line is picked apart from them, among every line the scan kept, because the
 * line that names a failure (the failing test, the compiler diagnostic, the exception) is often
 * not the loudest one (a wrapper's "3 tests failed!", a retry, a later cleanup step's noise).
 */
import { maskLine } from "./mask.js";
import { lineHeadline, type RuleSet } from "./rules/rules.js";
import type { BlockLine, ScanResult } from "./blocks.js";
import type { Selection } from "./select.js";

/**
 * The line that most plainly names the failure, by the headline rank of the rules that flag it
 * (RuleSpec.headline: a failing test or compiler diagnostic before an exception, before a
 * timeout or crash, before a named cause; summaries and wrappers never):
 * 1. inside the ranges, the selection's own top line (or the message it is indented under, when
 *    it would outrank it or is a stack frame) unless a line there ranks higher (then the last of
 *    those: the final exception of a chain; the first of the CI's error annotations);
 * 2. a line near the ranges (a wrapper's traceback just before, a runner's verdict just after)
 *    replaces it only by ranking strictly higher;
 * 3. when the same line is reported again later, near the ranges or in the output of a command
 *    the log reports as failed, the last report (a retried command's last attempt, a test
 *    runner's failure section after its reruns).
 * When no line ranks, the selection's own top line, or where its wrapped sentence starts.
 */
export function chooseTopLine(scan: ScanResult, sel: Selection, rules: RuleSet): BlockLine | null {
  const byNo = keptLines(scan, sel);
  const kept = [...byNo.values()];
  const ranker = rankerOf(rules, byNo);
  const inside = bestInside(sel, ranker);
  const near = lastBestRanked(kept.filter((l) => nearRanges(l.no, sel)), ranker);
  if (near && (!inside || near.rank > inside.rank)) return near.line;
  if (inside) return lastRepeat(inside.line, kept.filter((l) => nearRanges(l.no, sel) || inFailedCommand(l.no, scan)));
  if (sel.top && sel.top.score <= 0) return sentenceStart(sel.top, scan.tail);
  return sel.top;
}

/**
 * How many lines from the ranges a line may still name the failure (LogChunks and CiDiff top
 * lines inside the labels: 25 to 100 lines give the same within 1-2 %, fewer lose PyTorch's).
 */
const NEAR = 40;

function nearRanges(no: number, sel: Selection): boolean {
  return sel.ranges.some((r) => no >= r.start - NEAR && no <= r.end + NEAR);
}

function inFailedCommand(no: number, scan: ScanResult): boolean {
  return scan.failedCommands.some((c) => no > c.from && no < c.to);
}

/**
 * Inside the ranges: the selection's own top line (or the message it details, when it would
 * outrank that message or ranks nothing itself), unless a line there ranks higher.
 */
function bestInside(sel: Selection, ranker: Ranker): RankedLine | null {
  const best = lastBestRanked(sel.lines, ranker);
  if (!best || !sel.top) return best;
  const own = lastBestRanked([ranker.messageInstead(sel.top) ?? sel.top], ranker);
  return own && own.rank >= best.rank ? own : best;
}

/** The last report of the same line (masked): a retried command's last attempt. */
function lastRepeat(line: BlockLine, kept: readonly BlockLine[]): BlockLine {
  const key = maskLine(line.text);
  let last = line;
  // The same line scores the same: compare the masked text of those only.
  for (const l of kept) if (l.no > last.no && l.score === line.score && maskLine(l.text) === key) last = l;
  return last;
}

/** Every line the scan kept: candidate blocks, the last lines of failed commands, the selection. */
function keptLines(scan: ScanResult, sel: Selection): Map<number, BlockLine> {
  const byNo = new Map<number, BlockLine>();
  for (const b of scan.blocks) for (const l of b.lines) byNo.set(l.no, l);
  for (const c of scan.failedCommands) for (const l of c.tail) byNo.set(l.no, l);
  for (const l of sel.lines) byNo.set(l.no, l);
  return byNo;
}

/** A line and its headline rank. */
interface RankedLine {
  line: BlockLine;
  rank: number;
}

/** Ranks within a headline rank: a line the CI annotates as the error (a pack's `annotation`), which its UI shows as the failure, comes before a plain one. */
const ANNOTATION_BONUS = 0.5;

/** A line's rank: its headline, plus the annotation bonus; 0 when it cannot name the failure. */
type LineRank = (l: BlockLine) => number;

interface Ranker {
  rank: LineRank;
  /** The CI annotates the line as its error. */
  annotated: (l: BlockLine) => boolean;
  /**
   * The ranked message to offer instead of a line indented under it: when the line would outrank
   * it, or ranks nothing itself (a stack frame); else null.
   */
  messageInstead: (l: BlockLine) => BlockLine | null;
}

/** A detail that would outrank its message ranks this much below it instead. */
const DETAIL_PENALTY = 0.25;

/**
 * Ranks lines with the rules, each line once. A line indented under a ranked message (`error: X`
 * then `  Caused by: Failed to download ...`) is that message's detail: it never outranks the
 * message (it ranks just below it), whatever words it happens to use.
 */
function rankerOf(rules: RuleSet, byNo: ReadonlyMap<number, BlockLine>): Ranker {
  const cache = new Map<BlockLine, number>();
  const ownRank = (l: BlockLine): number => {
    let rank = cache.get(l);
    if (rank === undefined) {
      // Only lines the rules say report a failure can name it.
      // A call frame (a pack's `call-frame`) says where, not what: it names no failure.
      const headline = l.score > 0 && !rules.markers["call-frame"].test(l.text) ? (lineHeadline(rules, l.text) ?? 0) : 0;
      rank = headline === 0 ? 0 : headline + (rules.markers.annotation.test(l.text) ? ANNOTATION_BONUS : 0);
      cache.set(l, rank);
    }
    return rank;
  };
  // The ranked message a line is indented under: its detail.
  const rankedMessage = (l: BlockLine): BlockLine | null => {
    const head = lineAbove(l, byNo);
    return head && ownRank(head) > 0 ? head : null;
  };
  // A detail that would tie with or outrank its message, or one that ranks nothing (a stack frame).
  const messageInstead = (l: BlockLine): BlockLine | null => {
    const head = rankedMessage(l);
    return head && (ownRank(l) === 0 || ownRank(l) >= ownRank(head)) ? head : null;
  };
  const rank = (l: BlockLine): number => {
    const own = ownRank(l);
    const head = own === 0 ? null : messageInstead(l);
    return head ? ownRank(head) - DETAIL_PENALTY : own;
  };
  return { rank, messageInstead, annotated: (l) => rules.markers.annotation.test(l.text) };
}

const indentOf = (text: string): number => text.length - text.trimStart().length;

/** How far above an indented line its message may be (bounds the walk on long indented runs). */
const MAX_DETAIL_DEPTH = 50;

/** The line an indented line hangs under: the nearest line above, in the same paragraph, indented less. */
function lineAbove(line: BlockLine, byNo: ReadonlyMap<number, BlockLine>): BlockLine | null {
  const indent = indentOf(line.text);
  if (indent === 0) return null;
  for (let no = line.no - 1; no >= line.no - MAX_DETAIL_DEPTH; no--) {
    const prev = byNo.get(no);
    if (!prev || prev.text.trim() === "") return null;
    if (indentOf(prev.text) < indent) return prev;
  }
  return null;
}

/**
 * The last line of the highest rank above 0, or null; among CI error annotations of that rank the
 * first: later ones report what followed (`The operation was canceled`, a wrapper's explanation).
 */
function lastBestRanked(lines: readonly BlockLine[], { rank: rankLine, annotated }: Ranker): RankedLine | null {
  let best: BlockLine | null = null;
  let bestRank = 0;
  for (const l of lines) {
    const rank = rankLine(l);
    if (rank === 0) continue;
    const preferred = best !== null && (annotated(l) ? l.no < best.no : l.no > best.no);
    if (rank > bestRank || (rank === bestRank && preferred)) {
      best = l;
      bestRank = rank;
    }
  }
  return best ? { line: best, rank: bestRank } : null;
}

// A line starting in lower case continues the sentence of the line before (a wrapped message).
const CONTINUES_SENTENCE = /^\s*[a-z]/;

/** Walks back from an unscored line that continues a wrapped message to the line where it starts. */
function sentenceStart(line: BlockLine, tail: readonly BlockLine[]): BlockLine {
  let i = tail.findIndex((l) => l.no === line.no);
  if (i < 0) return line;
  while (i > 0 && CONTINUES_SENTENCE.test((tail[i] as BlockLine).text)) {
    const prev = tail[i - 1] as BlockLine;
    if (prev.no !== (tail[i] as BlockLine).no - 1 || prev.text.trim() === "" || prev.score !== 0) break;
    i--;
  }
  return tail[i] as BlockLine;
}
