/** Parsing and using line ranges such as `120-131,140`. */
import { badInput } from "../core/errors.js";
import type { EvidenceLine, LineRange } from "./types.js";

/** Most lines one confirmation may name. */
export const MAX_CONFIRMED_LINES = 2000;

/** Parses `120-131`, `140`, or a comma-separated list of both (1-based, inclusive). */
export function parseRanges(text: string): LineRange[] {
  const out: LineRange[] = [];
  let total = 0;
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const start = Number(m?.[1]);
    const end = Number(m?.[2] ?? m?.[1]);
    if (!m || start < 1 || end < start) {
      throw badInput(`bad line range "${part}"`, { hint: "use START-END or LINE, 1-based, e.g. --lines 120-131 or --lines 120-131,140" });
    }
    total += end - start + 1;
    out.push({ start, end });
  }
  if (out.length === 0) throw badInput("no line range given", { hint: "e.g. --lines 120-131" });
  if (total > MAX_CONFIRMED_LINES) throw badInput(`${total} lines confirmed; at most ${MAX_CONFIRMED_LINES}`, { hint: "confirm the lines that explain the failure, not the whole log" });
  return out.sort((a, b) => a.start - b.start);
}

/** True when line `n` lies in one of the ranges. */
export function inRanges(ranges: readonly LineRange[], n: number): boolean {
  return ranges.some((r) => n >= r.start && n <= r.end);
}

/** The text of the confirmed lines, when every one of them is among known evidence lines. */
export function linesFromEvidence(ranges: readonly LineRange[], evidence: readonly EvidenceLine[]): string[] | undefined {
  const byNo = new Map(evidence.map((e) => [e.line, e.text]));
  const out: string[] = [];
  for (const r of ranges) {
    for (let n = r.start; n <= r.end; n++) {
      const text = byNo.get(n);
      if (text === undefined) return undefined;
      out.push(text);
    }
  }
  return out;
}
