/**
 * A learned vocabulary of failure lines: per word, how much likelier it is in the lines people
 * mark as the failure than in the other lines of the same logs (smoothed log-odds). Only words
 * marked in several repositories are kept, so it learns a tool's wording, not a project's. The
 * opt-in refinement step adds the vocabulary's score to a line during the scan, so a line no
 * rule knows can still lead a block. Fitted by bench/triage/lexicon-fit.ts.
 */
import { maskLine } from "./mask.js";
import type { Refinement } from "./refine.js";

export interface Lexicon {
  /** Log-odds per word (lower case, letters only, three or more). */
  weights: ReadonlyMap<string, number>;
  /** How much of a line's vocabulary score is added to its rule score. */
  scale: number;
  /** A line's vocabulary score is clipped to ±cap before scaling. */
  cap: number;
}

const WORD = /[a-z]{3,}/g;

/** The distinct words of a line, as the vocabulary counts them (masked, lower case). */
export function lineWords(text: string): string[] {
  return [...new Set(maskLine(text).toLowerCase().match(WORD) ?? [])];
}

/** A line's vocabulary score, clipped. */
export function lexiconScore(lex: Lexicon, text: string): number {
  let s = 0;
  for (const w of lineWords(text)) s += lex.weights.get(w) ?? 0;
  return Math.max(-lex.cap, Math.min(lex.cap, s));
}

/** The opt-in step: every non-blank line's score moves by its scaled vocabulary score. */
export function lexiconStep(lex: Lexicon): Refinement {
  return {
    line(view) {
      if (view.text.trim() === "") return;
      view.score += lex.scale * lexiconScore(lex, view.text);
    },
  };
}
