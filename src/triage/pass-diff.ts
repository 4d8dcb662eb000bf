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
