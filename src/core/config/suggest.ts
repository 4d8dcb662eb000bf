/** Edit distance between two strings (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Longer "words" are not typos of a key; comparing them would only cost time. */
const MAX_WORD = 100;
/**
 * For candidates the file itself declares (environment names): among hundreds a guess helps
 * nobody, and guessing for each of many typos against as many names would be quadratic.
 */
export const MAX_DECLARED_CANDIDATES = 100;

/** `a, b, c` for a message, at most `max` names and a count of the rest. */
export function someNames(names: readonly string[], max = 20, separator = ", "): string {
  return names.length <= max ? names.join(separator) : `${names.slice(0, max).join(separator)}${separator}… (${names.length - max} more)`;
}

/**
 * The candidate a typo most likely meant, or undefined when none is close enough to be a
 * useful guess. Case and `-`/`_` are ignored so `Port-Env` still finds `port_env`.
 */
export function didYouMean(word: string, candidates: readonly string[], maxCandidates = Infinity): string | undefined {
  if (candidates.length > maxCandidates || word.length > MAX_WORD) return undefined;
  const norm = (s: string) => s.toLowerCase().replaceAll("-", "_");
  // Short words tolerate fewer edits, or every three-letter key would "match" every other.
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = levenshtein(norm(word), norm(candidate));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
