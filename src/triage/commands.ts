/**
 * The commands of a CI log: where each one's output begins (its echo) and which ones the log
 * reports as failed, so that a block never spans two commands and the failure is sought in the
 * output of the command that stopped the build.
 */
import type { Markers } from "./rules/markers.js";
import type { Block, BlockLine } from "./blocks.js";

/** The output of a command that the CI log reports as failed (Travis, GitHub, GitLab markers). */
export interface FailedCommand {
  from: number;
  to: number;
  /** Its warning diagnostics, else its last meaningful lines: used when no line of it scored. */
  tail: BlockLine[];
}

const KEEP_FAILED_COMMANDS = 8;

// Where a command's output begins (its echo) and where the log says the command failed are the
// packs' `command-start` and `command-failed` markers; lines that never explain a failure, their
// `bookkeeping` (and blank lines).
const BLANK = /^\s*$/;

/** What a line says about the commands: one starts, one failed, or neither. */
export type CommandMark = "start" | "failed" | null;

/** Reads what a cleaned line says about the commands (the packs' markers). */
export function commandMark(markers: Markers, text: string): CommandMark {
  if (markers["command-failed"].test(text)) return "failed";
  return markers["command-start"].test(text) ? "start" : null;
}

/** Follows the commands of a log line by line, keeping the last few that failed. */
export class CommandTracker {
  private start = 1;
  readonly failed: FailedCommand[] = [];

  constructor(private readonly markers: Markers) {}

  /**
   * Notes what line `no` says about the commands; `recent` are the lines before it (the track's
   * tail), `warnings` the warning diagnostics of the command it ends, if it failed.
   */
  see(mark: CommandMark, no: number, recent: readonly BlockLine[], warnings: readonly BlockLine[]): void {
    if (mark === "failed") this.commandFailed(no, recent, warnings);
    else if (mark === "start") this.start = no;
  }

  /** Marks the blocks inside the output of a failed command, and of the last one (what stopped the build). */
  mark(blocks: readonly Block[]): void {
    const last = this.failed[this.failed.length - 1];
    for (const b of blocks) {
      b.inFailedCommand = this.failed.some((c) => b.start > c.from && b.end < c.to);
      b.inLastFailedCommand = last !== undefined && b.start > last.from && b.end < last.to;
    }
  }

  private commandFailed(no: number, recent: readonly BlockLine[], warnings: readonly BlockLine[]): void {
    const last = this.failed[this.failed.length - 1];
    // A tool's own failure line (`make: *** ... Error 2`) and the CI's marker after it close one command.
    if (last && last.to === this.start) {
      last.to = no;
      return;
    }
    // A command that failed with only warnings to show (a linter exiting 1 on them) failed on them.
    const ownWarnings = warnings.filter((l) => !l.inPassLog);
    const tail = ownWarnings.length > 0 ? ownWarnings : recent.filter((l) => l.no > this.start && !BLANK.test(l.text) && !this.markers.bookkeeping.test(l.text) && l.score > -1 && !l.inPassLog).slice(-4);
    this.failed.push({ from: this.start, to: no, tail });
    if (this.failed.length > KEEP_FAILED_COMMANDS) this.failed.shift();
    this.start = no;
  }
}
