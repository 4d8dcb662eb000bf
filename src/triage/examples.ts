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

function tokens(masked: string): string[] {
  return masked.split(/[\s:;,()[\]{}'"`=]+/).filter((t) => t.length > 0 && t !== WILDCARD);
}

function similarity(a: Set<string>, b: string[]): number {
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
