/**
 * The run of new lines before a block: when a refinement step marks lines new (absent from a
 * passing log of the same job), the new lines leading to a failure block belong to it.
 */

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
