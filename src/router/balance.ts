/**
 * Choosing where a request goes: a version by weighted random choice, a target round-robin
 * within it, and the fallback order used when a target cannot be reached.
 */
import type { Backend, Route } from "./types.js";

/** One place a request can be sent. */
export interface Candidate {
  version: string;
  target: string;
}

/** Where one request may go: the version the weights chose, and every candidate in order. */
export interface Plan {
  version: string;
  candidates: Candidate[];
}

/** Round-robin cursors per version; kept per route so they survive weight changes. */
export type Cursors = Map<string, number>;

/** Picks a backend with probability weight / total over backends with weight > 0. */
export function pickWeighted(backends: readonly Backend[], random: () => number = Math.random): Backend | undefined {
  const weighted = backends.filter((b) => b.weight > 0);
  const total = weighted.reduce((sum, b) => sum + b.weight, 0);
  let point = random() * total;
  for (const b of weighted) {
    point -= b.weight;
    if (point < 0) return b;
  }
  return weighted.at(-1);
}

/** The backend's targets, rotated so successive calls start at successive targets. */
function rotated(backend: Backend, cursors: Cursors, advance: boolean): string[] {
  const n = backend.targets.length;
  if (n === 0) return [];
  const start = (cursors.get(backend.version) ?? 0) % n;
  if (advance) cursors.set(backend.version, (start + 1) % n);
  return [...backend.targets.slice(start), ...backend.targets.slice(0, start)];
}

/**
 * Every place a request may be tried, best first: the chosen version's targets (round-robin),
 * then the other versions with weight > 0 (heaviest first), then any other backend with
 * targets. Returns null when no backend has weight: the route is switched off.
 */
export function planCandidates(route: Route, cursors: Cursors, random?: () => number): Plan | null {
  const chosen = pickWeighted(route.backends, random);
  if (!chosen) return null;
  const others = route.backends.filter((b) => b !== chosen);
  const weighted = others.filter((b) => b.weight > 0).sort((a, b) => b.weight - a.weight);
  const unweighted = others.filter((b) => b.weight <= 0);
  const plan: Candidate[] = [];
  for (const b of [chosen, ...weighted, ...unweighted]) {
    // Only the chosen version advances its cursor: fallbacks must not skew healthy round-robin.
    for (const target of rotated(b, cursors, b === chosen)) plan.push({ version: b.version, target });
  }
  return { version: chosen.version, candidates: plan };
}
