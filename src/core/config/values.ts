import { z } from "zod";
import { isDurationSyntax, MAX_DURATION_MS, parseDuration } from "../duration.js";

/**
 * Value schemas shared by schema.ts and governance.ts (kept apart so neither imports the
 * other). Durations are written as text and arrive in the parsed config as milliseconds.
 */
export const duration = z
  .string({ error: "expected a duration such as 250ms, 10s, 2m or 1h" })
  .refine((v) => isDurationSyntax(v), {
    error: "expected a duration: a number and a unit ms, s, m, h or d (e.g. 250ms, 10s, 2m)",
    abort: true,
  })
  .refine((v) => parseDurationOrInfinity(v) <= MAX_DURATION_MS, { error: "expected at most 3650d (ten years)" })
  .transform((v) => parseDuration(v));

function parseDurationOrInfinity(v: string): number {
  try {
    return parseDuration(v);
  } catch {
    return Infinity;
  }
}
