/**
 * Few-shot extraction: confirmed answers for earlier logs of the same pipeline teach which lines
 * matter. Lines whose masked template appeared in a confirmed chunk score high; lines similar to
 * the first line of a confirmed chunk (its "header") score high too.
 */
import { maskLine, WILDCARD } from "./mask.js";
import type { ConfirmedExample } from "./types.js";

/** What the scanner asks of the examples. */
export interface ExampleModel {
  /** Extra score for a masked line. */
  scoreLine(masked: string): number;
  /** Typical length in lines of a confirmed chunk (median). */
  typicalLength: number;
}

const EXACT = 6;
const HEADER = 8;
const SIMILAR = 4;
const MIN_SIMILARITY = 0.6;

const SPLIT = /[\s:;,()[\]{}'"`=]+/;
/** The words of a masked line (wildcards and punctuation dropped). */
export function tokens(masked: string): string[] {
  return masked.split(SPLIT).filter((t) => t.length > 0 && t !== WILDCARD);
}

/** Jaccard similarity of two masked lines' word sets. */
export function similarity(a: Set<string>, b: string[]): number {
  if (a.size === 0 || b.length === 0) return 0;
  let common = 0;
  const seen = new Set<string>();
  for (const t of b) {
    if (seen.has(t)) continue;
    seen.add(t);
    if (a.has(t)) common++;
  }
  return common / (a.size + seen.size - common);
}

/** Builds the few-shot model from confirmed examples (empty lines ignored). */
export function buildExampleModel(examples: readonly ConfirmedExample[]): ExampleModel | undefined {
  const body = new Set<string>();
  const headers = new Set<string>();
  const headerTokens: Set<string>[] = [];
  const lengths: number[] = [];
  for (const ex of examples) {
    const masked = ex.lines.map(maskLine).filter((m) => m.length > 0);
    if (masked.length === 0) continue;
    lengths.push(ex.lines.length);
    for (const m of masked) body.add(m);
    const head = masked[0] as string;
    headers.add(head);
    headerTokens.push(new Set(tokens(head)));
  }
  if (lengths.length === 0) return undefined;
  lengths.sort((a, b) => a - b);
  const typicalLength = lengths[Math.floor(lengths.length / 2)] ?? 1;
  return {
    typicalLength,
    scoreLine(masked: string): number {
      if (masked.length === 0) return 0;
      if (headers.has(masked)) return HEADER;
      if (body.has(masked)) return EXACT;
      const toks = tokens(masked);
      if (toks.length === 0) return 0;
      let best = 0;
      for (const h of headerTokens) best = Math.max(best, similarity(h, toks));
      return best >= MIN_SIMILARITY ? SIMILAR * best : 0;
    },
  };
}

/** A window of the log aligned with a confirmed chunk. */
export interface ExampleMatch {
  start: number;
  end: number;
  /** Mean per-line similarity to the confirmed chunk it was aligned with (0..1). */
  score: number;
  lines: { no: number; text: string }[];
}

interface ChunkModel {
  masked: string[];
  tokens: Set<string>[];
}


interface OpenWindow {
  chunk: ChunkModel;
  start: number;
  sum: number;
  /** Last line (offset) that resembled its counterpart. */
  lastGood: number;
  lines: { no: number; text: string }[];
}

/** Anchoring: a line at least this similar to a chunk's first line may start a window. */
const ANCHOR = 0.3;
/** A window's line counts as matching its counterpart at this similarity. */
const LINE_MATCH = 0.3;
const MAX_OPEN = 64;
const MAX_WINDOW = 400;
const KEEP_MATCHES = 8;

function lineSimilarity(chunk: ChunkModel, i: number, masked: string, toks: string[]): number {
  const m = chunk.masked[i];
  if (m === undefined) return 0;
  if (m === masked) return 1;
  const t = chunk.tokens[i];
  return t ? similarity(t, toks) : 0;
}

/**
 * Nearest neighbour by template: every log line that reads like the first line of a confirmed
 * chunk (once masked) opens a window as long as that chunk; the window's score is the mean
 * similarity of its lines to the chunk's lines, position by position. The best windows are kept
 * (bounded memory, streaming), and the window ends at its last line that still resembles the
 * chunk, so a shorter or longer stack trace than the example's still fits.
 */
export class ExampleMatcher {
  private readonly chunks: ChunkModel[];
  private open: OpenWindow[] = [];
  private readonly matches: ExampleMatch[] = [];

  constructor(examples: readonly ConfirmedExample[]) {
    this.chunks = [];
    for (const ex of examples) {
      let lines = ex.lines.map(maskLine);
      while (lines.length > 0 && lines[0] === "") lines = lines.slice(1);
      while (lines.length > 0 && lines[lines.length - 1] === "") lines = lines.slice(0, -1);
      if (lines.length === 0 || lines.length > MAX_WINDOW) continue;
      this.chunks.push({ masked: lines, tokens: lines.map((l) => new Set(tokens(l))) });
    }
  }

  /** True when there is a chunk to match. */
  get usable(): boolean {
    return this.chunks.length > 0;
  }

  /** Feeds one cleaned line and its masked form. */
  line(no: number, text: string, masked: string): void {
    const toks = tokens(masked);
    const still: OpenWindow[] = [];
    for (const w of this.open) {
      const i = no - w.start;
      const sim = lineSimilarity(w.chunk, i, masked, toks);
      w.sum += sim;
      w.lines.push({ no, text: text.length > 600 ? text.slice(0, 600) : text });
      if (sim >= LINE_MATCH) w.lastGood = i;
      if (i + 1 >= w.chunk.masked.length) this.close(w);
      else still.push(w);
    }
    this.open = still;
    if (masked.length === 0) return;
    for (const chunk of this.chunks) {
      if (this.open.length >= MAX_OPEN) break;
      const sim = lineSimilarity(chunk, 0, masked, toks);
      if (sim < ANCHOR) continue;
      const w: OpenWindow = { chunk, start: no, sum: sim, lastGood: 0, lines: [{ no, text: text.length > 600 ? text.slice(0, 600) : text }] };
      if (chunk.masked.length === 1) this.close(w);
      else this.open.push(w);
    }
  }

  private close(w: OpenWindow): void {
    const score = w.sum / w.chunk.masked.length;
    const lines = w.lines.slice(0, w.lastGood + 1);
    const match: ExampleMatch = { start: w.start, end: w.start + lines.length - 1, score, lines };
    // Overlapping windows: keep the better one.
    const same = this.matches.findIndex((m) => m.start <= match.end && match.start <= m.end);
    if (same >= 0) {
      if ((this.matches[same] as ExampleMatch).score >= score) return;
      this.matches.splice(same, 1);
    }
    this.matches.push(match);
    if (this.matches.length > KEEP_MATCHES) {
      this.matches.sort((a, b) => b.score - a.score || a.start - b.start);
      this.matches.length = KEEP_MATCHES;
    }
  }

  /** Ends the scan; the best window (the earliest among equals), if any. */
  finish(): ExampleMatch | undefined {
    for (const w of this.open) this.close(w);
    this.open = [];
    return [...this.matches].sort((a, b) => b.score - a.score || a.start - b.start)[0];
  }
}
