/**
 * What a passing log of the same job says about a line of the failed log. A line whose masked
 * form never occurs in the passing log is new: the failure's own output (its message, stack
 * trace, diff, the failed command's tail) is new, while the steps both runs went through are not.
 */
import { hash32 } from "./mask.js";

/** A failed-log line judged against the passing log. */
export interface PassVerdict {
  /** The line's score once the passing log is taken into account. */
  score: number;
  /** True when the masked line does not occur in the passing log. */
  novel: boolean;
}

/** Lines also in the passing log are rarely the cause: their score drops by this much. */
const KNOWN_PENALTY = 3;

/** Judges one masked failed-log line against the hashes of the passing log's masked lines. */
export function passVerdict(passLines: ReadonlySet<number>, masked: string, score: number): PassVerdict {
  const novel = !passLines.has(hash32(masked));
  return { score: !novel && score > 0 ? Math.max(0, score - KNOWN_PENALTY) : score, novel };
}

/**
 * Most new lines a block may take in front of its first signal: a longer stretch of new lines is
 * the passing log differing wholesale there (cached steps, another test set), not a lead-in
 * (cidiff F1: 8 -> 0.762, 12..30 -> 0.785).
 */
const LEAD_LINES = 20;
/** A lone new line before the error is mostly a header or a rule line, not part of it (1 -> 0.776, 2 -> 0.785). */
const MIN_LEAD = 2;

/**
 * The run of new lines just before the current line, outside any block: when a failure block
 * opens, the new lines leading to it (a build excerpt, the failing test's output) belong to it.
 * Holds at most {@link LEAD_LINES} lines; a longer run gives none, and neither does a lone line.
 */
export class NovelLead<T> {
  private run: T[] = [];
  private overflowed = false;

  /** Records a line seen outside a block: a new one extends the run, any other ends it. */
  see(line: T, novel: boolean): void {
    if (!novel) {
      this.clear();
      return;
    }
    if (this.overflowed) return;
    this.run.push(line);
    if (this.run.length > LEAD_LINES) {
      this.run = [];
      this.overflowed = true;
    }
  }

  /** Forgets the run (a block is open: its lines are not a lead). */
  clear(): void {
    this.run = [];
    this.overflowed = false;
  }

  /** The run of new lines right before the block that opens now, and forgets it. */
  take(): T[] {
    const out = this.run.length >= MIN_LEAD ? this.run : [];
    this.clear();
    return out;
  }
}
