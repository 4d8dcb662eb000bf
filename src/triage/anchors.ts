/**
 * Few-shot by anchors: a person's confirmed chunk starts and ends relative to the lines around it
 * (the command that ran, the runner's "exited with 1" line), which repeat from run to run of a
 * pipeline even when the failure text itself is new. Every log line is scored as a possible start
 * (it and the lines before it read like the example's first line and the lines before its chunk)
 * and as a possible end (likewise with the last line and the lines after); the best start/end pair
 * of a plausible length, near where the chunk sat relative to the end of its log, is the answer.
 * Streaming, bounded memory: only recent lines, the best open starts and the best windows are kept.
 */
import { cleanLine } from "./lines.js";
import { maskLine } from "./mask.js";
import { similarity, tokens } from "./examples.js";
import type { ConfirmedExample, LineRange } from "./types.js";

/** Context lines used on each side of a chunk (the nearest weighs most). */
export const ANCHOR_CONTEXT = 2;
/** A start must score at least this (out of 1 + 1 + 1/2). */
const MIN_START = 1;
/** Penalties (per unit of log ratio) for a length, or a distance from the end, unlike the example's. */
const LENGTH_PENALTY = 0.3;
const END_PENALTY = 0.2;
/** Windows scoring within this of the best are the same failure reported again. */
const SAME_FAILURE = 0.6;
/** Longest chunk placed: a failure reported at length (every failing case of a run) is confirmed whole. */
const MAX_LENGTH = 1000;
const MAX_STARTS = 48;
const KEEP_WINDOWS = 24;
const STORED_CHARS = 600;

interface Masked {
  masked: string;
  tokens: Set<string>;
}

interface AnchorExample {
  head: Masked;
  tail: Masked;
  /** before[k - 1] is k lines before the chunk. */
  before: (Masked | undefined)[];
  after: (Masked | undefined)[];
  length: number;
  maxLength: number;
  linesAfter: number | undefined;
}

interface Start {
  example: AnchorExample;
  no: number;
  score: number;
}

/** A window of the log placed by the examples' anchors. */
export interface AnchorMatch {
  start: number;
  end: number;
  /** Start and end evidence, less the length and position penalties (0..5). */
  score: number;
  /** How well its first line and the lines before it, and its last line and the lines after it, match (0..2.5 each). */
  startScore: number;
  endScore: number;
  lines: { no: number; text: string }[];
}

interface Window extends AnchorMatch {
  linesAfterWanted: number | undefined;
}

function masked(line: string): Masked {
  return maskedClean(cleanLine(line));
}

/** {@link masked} of a line already cleaned. */
function maskedClean(text: string): Masked {
  const m = maskLine(text);
  return { masked: m, tokens: new Set(tokens(m)) };
}

function lineSimilarity(a: Masked | undefined, b: Masked | undefined, bTokens: string[] | undefined): number {
  if (!a || !b) return 0;
  if (a.masked === b.masked) return 1;
  return bTokens ? similarity(a.tokens, bTokens) : 0;
}

function anchorExample(ex: ConfirmedExample): AnchorExample | undefined {
  if (!ex.before?.length && !ex.after?.length) return undefined;
  if (ex.lines.length === 0 || ex.lines.length > MAX_LENGTH) return undefined;
  const length = ex.lines.length;
  const side = (lines: readonly string[] | undefined) => Array.from({ length: ANCHOR_CONTEXT }, (_, k) => (lines?.[k] === undefined ? undefined : masked(lines[k] as string)));
  return {
    head: masked(ex.lines[0] as string),
    tail: masked(ex.lines[length - 1] as string),
    before: side(ex.before ? [...ex.before].reverse() : undefined),
    after: side(ex.after),
    length,
    maxLength: Math.min(MAX_LENGTH, Math.max(3 * length, length + 30)),
    linesAfter: ex.linesAfter,
  };
}

interface Recent {
  no: number;
  text: string;
  line: Masked;
  tokens: string[];
  /** Its score as the start of each example's chunk. */
  startScores: number[];
}

/** A fixed-size ring of the latest items. */
class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly size: number) {}

  push(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }

  /** The item `offset` pushes ago (0: the latest). */
  back(offset: number): T | undefined {
    if (offset < 0 || offset >= this.items.length) return undefined;
    return this.items[(this.next - 1 - offset + 2 * this.size) % this.size];
  }
}

/** Streams a log and places the confirmed chunks by the lines around them. */
export class AnchorMatcher {
  private readonly examples: AnchorExample[];
  /** The latest lines, enough for the context and the longest window. */
  private readonly recent: Ring<Recent>;
  private starts: Start[] = [];
  private windows: Window[] = [];
  private lineCount = 0;

  constructor(examples: readonly ConfirmedExample[]) {
    this.examples = examples.map(anchorExample).filter((e): e is AnchorExample => e !== undefined);
    this.recent = new Ring<Recent>(Math.max(1, ...this.examples.map((e) => e.maxLength)) + ANCHOR_CONTEXT + 1);
  }

  /** True when some example carries the lines around its chunk. */
  get usable(): boolean {
    return this.examples.length > 0;
  }

  /** Feeds one raw line. */
  line(raw: string, no: number): void {
    this.lineCount = no;
    const text = cleanLine(raw);
    const line = maskedClean(text);
    this.recent.push({ no, text: text.length > STORED_CHARS ? text.slice(0, STORED_CHARS) : text, line, tokens: [...line.tokens], startScores: [] });
    this.openStarts(no);
    this.closeAt(ANCHOR_CONTEXT);
  }

  private similarAt(offset: number, to: Masked | undefined): number {
    const r = this.recent.back(offset);
    return r ? lineSimilarity(to, r.line, r.tokens) : 0;
  }

  private openStarts(no: number): void {
    const scores: number[] = [];
    for (const example of this.examples) {
      let score = this.similarAt(0, example.head);
      for (let k = 1; k <= ANCHOR_CONTEXT; k++) score += this.similarAt(k, example.before[k - 1]) / k;
      scores.push(score);
      if (score >= MIN_START) this.starts.push({ example, no, score });
    }
    const latest = this.recent.back(0);
    if (latest) latest.startScores = scores;
    if (this.starts.length > MAX_STARTS) {
      this.starts.sort((a, b) => b.score - a.score || b.no - a.no);
      this.starts.length = MAX_STARTS;
    }
  }

  /** Scores the line `offset` lines back as the end of a window of each example. */
  private closeAt(offset: number): void {
    const end = this.recent.back(offset);
    if (!end) return;
    this.starts = this.starts.filter((s) => end.no - s.no < s.example.maxLength);
    this.examples.forEach((ex, i) => {
      let endScore = this.similarAt(offset, ex.tail);
      for (let k = 1; k <= ANCHOR_CONTEXT && offset - k >= 0; k++) endScore += this.similarAt(offset - k, ex.after[k - 1]) / k;
      const window = (start: number, startScore: number) =>
        this.consider({ start, end: end.no, startScore, endScore, score: startScore + endScore - LENGTH_PENALTY * Math.abs(Math.log((end.no - start + 1) / ex.length)), linesAfterWanted: ex.linesAfter });
      for (const s of this.starts) if (s.example === ex && s.no <= end.no) window(s.no, s.score);
      // The end alone may place the chunk: the start as far back as the example's chunk was long.
      const implied = this.recent.back(offset + ex.length - 1);
      if (endScore >= MIN_START && implied) window(implied.no, implied.startScores[i] ?? 0);
    });
  }

  private consider(candidate: Omit<Window, "lines">): void {
    const { start, end, score } = candidate;
    // One window per start: the better end.
    const same = this.windows.findIndex((w) => w.start === start);
    if (same >= 0) {
      if ((this.windows[same] as Window).score >= score) return;
      this.windows.splice(same, 1);
    }
    const worst = this.windows.length >= KEEP_WINDOWS ? this.windows[this.windows.length - 1] : undefined;
    if (worst && worst.score >= score) return;
    const lines: { no: number; text: string }[] = [];
    for (let offset = this.lineCount - start; offset >= this.lineCount - end; offset--) {
      const r = this.recent.back(offset);
      if (r) lines.push({ no: r.no, text: r.text });
    }
    this.windows.push({ ...candidate, lines });
    this.windows.sort((a, b) => b.score - a.score || a.start - b.start);
    if (this.windows.length > KEEP_WINDOWS) this.windows.length = KEEP_WINDOWS;
  }

  /** Ends the scan; the best window once its distance from the end of the log is weighed. */
  finish(): AnchorMatch | undefined {
    for (let offset = ANCHOR_CONTEXT - 1; offset >= 0; offset--) this.closeAt(offset);
    const weighed = this.windows.map((w) => {
      const after = this.lineCount - w.end;
      const score = w.linesAfterWanted === undefined ? w.score : w.score - END_PENALTY * Math.abs(Math.log((after + 1) / (w.linesAfterWanted + 1)));
      return { ...w, score };
    });
    const best = weighed.sort((a, b) => b.score - a.score || a.start - b.start)[0];
    if (!best) return undefined;
    // A failure reported again (a retry, a summary) is pointed at where it first appears.
    const again = weighed.filter((w) => w.score >= best.score - SAME_FAILURE && (w.end < best.start || w.start > best.end));
    return [best, ...again].sort((a, b) => a.start - b.start)[0];
  }
}

/** Context lines a confirmation records on each side (a little more than used, for later use). */
const CONTEXT_RECORDED = 3;

/**
 * What a confirmation of `ranges` of a log records: the confirmed lines, the lines just before
 * and after them (cut to a readable length) and how many lines followed.
 */
export function confirmedExample(log: readonly string[], ranges: readonly LineRange[]): ConfirmedExample {
  const lines = ranges.flatMap((r) => log.slice(r.start - 1, r.end));
  if (ranges.length === 0) return { lines };
  const first = Math.min(...ranges.map((r) => r.start));
  const last = Math.min(log.length, Math.max(...ranges.map((r) => r.end)));
  const cut = (l: string) => (l.length > STORED_CHARS ? l.slice(0, STORED_CHARS) : l);
  return {
    lines,
    before: log.slice(Math.max(0, first - 1 - CONTEXT_RECORDED), Math.max(0, first - 1)).map(cut),
    after: log.slice(last, last + CONTEXT_RECORDED).map(cut),
    linesAfter: log.length - last,
  };
}
