/**
 * Choosing, among the candidate blocks of a scan, the lines that explain the failure.
 */
import { maskLine } from "./mask.js";
import { onlyOutcome, withoutOutcomeTail } from "./outcome.js";
import { blockContext, blockFeatures, linearScore, PRIOR_MODEL, type BlockModel } from "./block-model.js";
import type { Markers } from "./rules/markers.js";
import type { Block, BlockLine, ScanResult } from "./blocks.js";
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
  /** Ranks the candidate blocks (its companion share replaces `companionShare` unless that is given). */
  model: BlockModel;
}

const DEFAULTS: Omit<SelectOptions, "model"> = { companionShare: 0.85, maxBlocks: 3 };

/** Strength given to the last lines of a failed command in which nothing scored. */
const TAIL_STRENGTH = 6;

/** Scores the candidates of a log with the block model (exp of its log-linear score). */
export function scoreBlocks(blocks: readonly Block[], totalLines: number, model: BlockModel, markers: Markers): { b: Block; s: number }[] {
  const ctx = blockContext(blocks, totalLines, markers);
  return blocks.map((b) => ({ b, s: Math.exp(linearScore(model, blockFeatures(b, ctx))) }));
}

/** Candidate blocks: the scanned ones, plus the last lines of failed commands with no scored block. */
export function candidateBlocks(scan: ScanResult): Block[] {
  const out = [...scan.blocks];
  for (const c of scan.failedCommands) {
    // Something in it scored (a block only saying how the run ended, make's `*** [x] Error 1`, is not that).
    if (c.tail.length === 0 || scan.blocks.some((b) => b.end > c.from && b.start < c.to && !onlyOutcome(scan.markers, b))) continue;
    const first = c.tail[0] as BlockLine;
    const last = c.tail[c.tail.length - 1] as BlockLine;
    out.push({ start: first.no, end: last.no, lines: c.tail, mass: TAIL_STRENGTH, peak: TAIL_STRENGTH / 2, step: null, seq: -1, inFailedCommand: true });
  }
  return out;
}

/** Picks the failure blocks of a scan (or the last lines when nothing scored). */
export function selectFailure(scan: ScanResult, options: Partial<SelectOptions> = {}): Selection {
  const model = options.model ?? PRIOR_MODEL;
  const opts = { ...DEFAULTS, companionShare: model.companionShare, ...options };
  const ranked = scoreBlocks(candidateBlocks(scan), scan.lines, model, scan.markers).sort((x, y) => y.s - x.s);
  dropRepeats(ranked);
  // A block that only says how the run ended (`1 out of 250 tests failed`) is not the failure
  // when a block elsewhere reports it.
  const reports = (r: { b: Block }) => !onlyOutcome(scan.markers, r.b);
  if (ranked.some(reports)) ranked.splice(0, ranked.length, ...ranked.filter(reports));
  const best = ranked[0];
  if (!best) return fallback(scan);
  // When the failure sits in the command that stopped the build, other commands' errors are not part of it.
  const companion = (b: Block) => !best.b.inLastFailedCommand || b.inLastFailedCommand === true;
  const chosen = ranked.filter((r) => r.s >= best.s * opts.companionShare && companion(r.b)).slice(0, opts.maxBlocks).map((r) => r.b);
  chosen.sort((a, b) => a.start - b.start);
  const lines = chosen.flatMap((b) => withoutOutcomeTail(scan.markers, b));
  const top = topLineOf(best.b);
  return { blocks: chosen, ranges: toRanges(lines.map((l) => l.no)), lines, top, step: best.b.step };
}

/**
 * The line of a block that names the failure: the highest score, the earliest on ties; when that
 * very line comes again later in the block (a retried command), its last attempt.
 */
export function topLineOf(b: Block): BlockLine | null {
  let top: BlockLine | null = null;
  for (const l of b.lines) if (!top || l.score > top.score) top = l;
  if (!top) return null;
  let key: string | undefined;
  for (const l of b.lines) {
    if (l.no <= top.no || l.score !== top.score) continue;
    key ??= maskLine(top.text);
    if (maskLine(l.text) === key) top = l;
  }
  return top;
}

/**
 * A failure reported twice (a retried command, a summary repeating the first report) is one
 * failure, and people point at its first report: later blocks whose strongest line reads the same
 * once masked give their score to the first one and leave the ranking. (Keeping the last attempt
 * of a retried command instead matches the PyTorch classifier's verdicts but costs 0.04 F1 on the
 * human labels of LogChunks.)
 */
function dropRepeats(ranked: { b: Block; s: number }[]): void {
  const firstByKey = new Map<string, { b: Block; s: number }>();
  const byStart = [...ranked].sort((x, y) => x.b.start - y.b.start);
  const drop = new Set<Block>();
  for (const r of byStart) {
    const top = topLineOf(r.b);
    if (!top) continue;
    const key = maskLine(top.text);
    const first = firstByKey.get(key);
    if (!first) firstByKey.set(key, r);
    else {
      first.s = Math.max(first.s, r.s);
      drop.add(r.b);
    }
  }
  for (let i = ranked.length - 1; i >= 0; i--) if (drop.has((ranked[i] as { b: Block }).b)) ranked.splice(i, 1);
  ranked.sort((x, y) => y.s - x.s);
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
