/** Replaces every occurrence of a secret value with a marker, so it never reaches a log or the DB. */
export const REDACTED = "[REDACTED]";

/** A redactor for a fixed set of secret values. Values shorter than 4 characters are not secrets worth hiding and would mangle ordinary text. */
export function makeRedactor(secretValues: Iterable<string>): (text: string) => string {
  const values = [...new Set(secretValues)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
