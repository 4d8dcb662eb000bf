/**
 * A background of "normal" lines: masked line templates that many repositories' failed logs
 * print and that people never mark as the failure (a tool's routine `error`-looking chatter).
 * Such a line still scores, but less: a line that every run prints is rarely the cause. The set
 * is learned from labeled logs (bench/triage/background-fit.ts) and stored as template hashes.
 */
import { hash32, maskLine } from "./mask.js";
import type { Refinement } from "./refine.js";

/** How much a background line's score drops (as a line the passing log prints too, pass-diff.ts). */
export const BACKGROUND_PENALTY = 3;

/** A line's score once the background is taken into account (only scoring lines are looked up). */
export function backgroundScore(background: ReadonlySet<number>, text: string, score: number): number {
  if (score <= 0 || !background.has(hash32(maskLine(text)))) return score;
  return Math.max(0, score - BACKGROUND_PENALTY);
}

/** The opt-in background refinement step: background lines lose score during the scan. */
export function backgroundStep(background: ReadonlySet<number>): Refinement {
  return {
    line(view) {
      view.score = backgroundScore(background, view.text, view.score);
    },
  };
}
