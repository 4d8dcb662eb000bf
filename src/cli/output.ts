import { formatDuration } from "../core/index.js";

/** Prints rows as an aligned text table for people. */
export function printTable(rows: Record<string, string>[], columns: string[], out: NodeJS.WritableStream = process.stdout): void {
  if (rows.length === 0) {
    out.write("(none)\n");
    return;
  }
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd() + "\n";
  out.write(line(columns.map((c) => c.toUpperCase())));
  for (const row of rows) out.write(line(columns.map((c) => row[c] ?? "")));
}

export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(JSON.stringify(value, null, 2) + "\n");
}

/** "3m ago", "just now": times relative to now, for tables. */
export function ago(at: number | null, now = Date.now()): string {
  if (at === null) return "-";
  const ms = now - at;
  return ms < 1_000 ? "just now" : `${formatDuration(ms)} ago`;
}

export function clockTime(at: number): string {
  return new Date(at).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
