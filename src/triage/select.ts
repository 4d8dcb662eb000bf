/**
 * Choosing, among the candidate blocks of a scan, the lines that explain the failure.
 */
import { blockStrength, type Block, type BlockLine, type ScanResult } from "./scan.js";
import type { LineRange } from "./types.js";

/** The chosen lines. */
export interface Selection {
  blocks: Block[];
  ranges: LineRange[];
  lines: BlockLine[];
  top: BlockLine | null;
  step: string | null;
}

/** Tuning of the choice (the benchmark measures these defaults). */
export interface SelectOptions {
  /** Other blocks are added when at least this share of the best block's score. */
  companionShare: number;
  /** At most this many blocks. */
  maxBlocks: number;
}

const DEFAULTS: SelectOptions = { companionShare: 0.85, maxBlocks: 3 };

/** Later blocks weigh more: the failure is usually reported near the end of the log. */
export function positionWeight(b: Block, totalLines: number): number {
  const rel = totalLines > 0 ? b.end / totalLines : 1;
  return 0.55 + 0.45 * rel * rel;
}

/** Scores a block in its log. */
export function blockScore(b: Block, totalLines: number): number {
  return blockStrength(b) * positionWeight(b, totalLines);
}

/** Picks the failure blocks of a scan (or the last lines when nothing scored). */
export function selectFailure(scan: ScanResult, options: Partial<SelectOptions> = {}): Selection {
  const opts = { ...DEFAULTS, ...options };
  const ranked = scan.blocks
    .map((b) => ({ b, s: blockScore(b, scan.lines) }))
    .sort((x, y) => y.s - x.s);
  const best = ranked[0];
  if (!best) return fallback(scan);
  const chosen = ranked.filter((r) => r.s >= best.s * opts.companionShare).slice(0, opts.maxBlocks).map((r) => r.b);
  chosen.sort((a, b) => a.start - b.start);
  const lines = chosen.flatMap((b) => b.lines);
  const top = topLineOf(best.b);
  return { blocks: chosen, ranges: toRanges(lines.map((l) => l.no)), lines, top, step: best.b.step };
}

/** The line of a block that names the failure: the highest score, the earliest on ties. */
export function topLineOf(b: Block): BlockLine | null {
  let top: BlockLine | null = null;
  for (const l of b.lines) if (!top || l.score > top.score) top = l;
  return top;
}

function fallback(scan: ScanResult): Selection {
  const lines = scan.tail.filter((l) => l.text.trim() !== "" && l.score >= 0).slice(-5);
  return { blocks: [], ranges: toRanges(lines.map((l) => l.no)), lines, top: lines[lines.length - 1] ?? null, step: null };
}

/** Turns sorted line numbers into inclusive ranges. */
export function toRanges(nos: readonly number[]): LineRange[] {
  const out: LineRange[] = [];
  for (const n of nos) {
    const last = out[out.length - 1];
    if (last && n === last.end + 1) last.end = n;
    else if (!last || n > last.end) out.push({ start: n, end: n });
  }
  return out;
}
