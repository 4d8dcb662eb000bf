/**
 * What a passing log of the same job says about a line of the failed log. A line whose masked
 * form never occurs in the passing log is new: the failure's own output (its message, stack
 * trace, diff, the failed command's tail) is new, while the steps both runs went through are not.
 */
import type { Block, BlockLine } from "./blocks.js";
import { hash32 } from "./mask.js";
import type { Refinement } from "./refine.js";
import { toRanges, type Selection, type SelectOptions } from "./select.js";

/**
 * The passing-log refinement step: lines the passing log prints too lose score and are marked
 * (`inPassLog`), new lines lead and continue blocks, long new reports stay whole, weaker blocks
 * that are mostly new join the best, and the chosen lines lose the edges both runs print.
 */
export function passDiffStep(passLines: ReadonlySet<number>): Refinement {
  return {
    method: "pass-diff",
    leads: true,
    maxBlockLines: PASS_BLOCK_LINES,
    select: PASS_SELECT,
    line(view) {
      const verdict = passVerdict(passLines, view.masked(), view.score);
      view.score = verdict.score;
      view.novel = verdict.novel;
      view.continues = verdict.continues;
    },
    chosen: trimShared,
  };
}

/** A failed-log line judged against the passing log. */
export interface PassVerdict {
  /** The line's score once the passing log is taken into account. */
  score: number;
  /** True when the masked line does not occur in the passing log. */
  novel: boolean;
  /** True when the line continues a block it follows, whatever its shape. */
  continues: boolean;
}

/** Lines also in the passing log are rarely the cause: their score drops by this much. */
const KNOWN_PENALTY = 3;

/**
 * A shared line the rules score at least this much (a signal, before the penalty) still
 * continues a block: an error report's boilerplate (`[ERROR] Re-run Maven using the -X switch`)
 * belongs to the report it follows even when the other run printed it too (cidiff F1 0.839 ->
 * 0.859; without it, lowering the penalty to 1 gives the same).
 */
const SHARED_SIGNAL = 2;

/** Judges one masked failed-log line against the hashes of the passing log's masked lines. */
export function passVerdict(passLines: ReadonlySet<number>, masked: string, score: number): PassVerdict {
  const novel = !passLines.has(hash32(masked));
  const continues = novel || score >= SHARED_SIGNAL;
  return { score: !novel && score > 0 ? Math.max(0, score - KNOWN_PENALTY) : score, novel, continues };
}

/**
 * How blocks are chosen with a passing log. Lines both runs print have already lost score, so
 * a weaker block that is still mostly new is another report of the failure (the test's own
 * output, then the build tool's summary): up to 8 blocks at 35 % of the best one's score join
 * (cidiff F1 at 0.85/3 blocks 0.810; 0.5 -> 0.833, 0.4 -> 0.838, 0.35 -> 0.839, 0.3 -> 0.849,
 * 0.2 -> 0.840; 5 blocks costs 0.01).
 */
export const PASS_SELECT: Partial<SelectOptions> = { companionShare: 0.35, maxBlocks: 8 };
/** A companion block less than this share new is mostly what the passing log prints too (0 -> 0.834, 0.5 -> 0.839, 0.9 -> 0.826). */
const MIN_NEW_SHARE = 0.5;

/**
 * The chosen blocks without the lines at their edges that the passing log prints too (a build
 * banner before the first error, a summary line after it): both runs print them, so they do not
 * explain the failure. Lines inside a block stay, to keep it whole, and so does the top line. A
 * companion of the best block made only or mostly of such lines goes; the best block stays.
 */
export function trimShared(sel: Selection): Selection {
  const lines: BlockLine[] = [];
  for (const b of sel.blocks) {
    const top = sel.top ? b.lines.indexOf(sel.top) : -1; // the best block holds the top line
    const first = b.lines.findIndex((l) => !l.inPassLog);
    if (top < 0 && (first < 0 || newShare(b) < MIN_NEW_SHARE)) continue;
    const last = b.lines.findLastIndex((l) => !l.inPassLog);
    // The top line stays whatever the passing log says: the rules chose it.
    const from = top < 0 ? first : first < 0 ? top : Math.min(first, top);
    const to = top < 0 ? last : Math.max(last, top);
    lines.push(...b.lines.slice(from, to + 1));
  }
  if (lines.length === 0) return sel;
  return { ...sel, lines, ranges: toRanges(lines.map((l) => l.no)) };
}

function newShare(b: Block): number {
  return b.lines.filter((l) => !l.inPassLog).length / Math.max(1, b.lines.length);
}

/**
 * Most lines of a block when a passing log is given. Without one, a block stops at 300 lines;
 * with one, a failure reported at length (the same exception for every file, a long dump) is
 * all new, and people mark all of it. The lines past the shown ones lose their text on close.
 */
export const PASS_BLOCK_LINES = 3000;
