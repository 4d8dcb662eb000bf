/**
 * Masking of the parts of a log line that change from run to run (timestamps, ids, hashes,
 * numbers, addresses, temp paths), so two runs of the same failure read the same.
 * Used by clustering signatures, template mining and the pass-log diff.
 */

/** The placeholder for any masked value; Drain calls it a wildcard. */
export const WILDCARD = "<*>";

// Order matters: the wide shapes (timestamps, uuids, urls) go before bare numbers.
const MASKS: readonly RegExp[] = [
  // ISO / syslog dates and clock times
  /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g,
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)?,? ?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2}\b/g,
  /\b\d{1,2}:\d\d:\d\d(?:[.,]\d+)?\b/g,
  // UUIDs, long hex (commit shas, digests, object ids), base64-ish tokens
  /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
  /\b(?:sha256:|0x)?(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{7,}\b/g,
  // IPv4 with optional port, IPv6-ish
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g,
  /\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b/g,
  // temp dirs and ids mixing letters and digits (runner-abc123de, pod names)
  /\/tmp\/[^\s:'"]+/g,
  /\b(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{12,}\b/g,
  // numbers not glued to a preceding letter (keeps E0425, py3, v2 apart from counts)
  /(?<![\w.])[-+]?\d+(?:\.\d+)*/g,
];

/** Replaces the variable parts of a line with {@link WILDCARD} and squeezes runs of them. */
export function maskLine(line: string): string {
  let s = line;
  for (const re of MASKS) s = s.replace(re, WILDCARD);
  if (s.includes("<*><*>")) s = s.replace(/(?:<\*>)+/g, WILDCARD);
  return s.trim().replace(/\s+/g, " ");
}

/** Fast 32-bit FNV-1a hash of a string, for sets of masked lines. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
