/**
 * Choosing where a request goes: a version by weighted random choice, a target round-robin
 * within it, and the fallback order used when a target cannot be reached. The common case (the
 * first target answers) allocates nothing: the weights are prepared once per route object, and
 * the fallback list is built only when an attempt fails.
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

interface Prepared {
  weighted: Backend[];
  /** Running sums of the weighted backends' weights. */
  cumulative: number[];
  total: number;
}

/** Routes are replaced, never mutated, so a route object's preparation stays valid for its life. */
const prepared = new WeakMap<Route, Prepared>();

function prepare(route: Route): Prepared {
  let p = prepared.get(route);
  if (p) return p;
  const weighted = route.backends.filter((b) => b.weight > 0);
  let sum = 0;
  const cumulative = weighted.map((b) => (sum += b.weight));
  p = { weighted, cumulative, total: sum };
  prepared.set(route, p);
  return p;
}

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

/** The route's backend for one request, by weight; undefined when no backend has weight. */
export function chooseBackend(route: Route, random: () => number = Math.random): Backend | undefined {
  const { weighted, cumulative, total } = prepare(route);
  if (weighted.length === 0) return undefined;
  const point = random() * total;
  for (let i = 0; i < weighted.length; i++) if (point < cumulative[i]!) return weighted[i];
  return weighted[weighted.length - 1];
}

/** The backend's next target round-robin (advancing its cursor), or undefined if it has none. */
export function nextTarget(backend: Backend, cursors: Cursors): string | undefined {
  const n = backend.targets.length;
  if (n === 0) return undefined;
  const start = (cursors.get(backend.version) ?? 0) % n;
  cursors.set(backend.version, (start + 1) % n);
  return backend.targets[start];
}

/**
 * The places to try after `first` (a target of `chosen`) failed: the chosen version's other
 * targets in round-robin order, then the other versions with weight > 0 (heaviest first), then
 * any other backend with targets. Fallbacks do not advance cursors: they must not skew a
 * healthy version's round-robin.
 */
export function fallbacks(route: Route, chosen: Backend, first: string | undefined, cursors: Cursors): Candidate[] {
  const out: Candidate[] = [];
  const n = chosen.targets.length;
  const at = first === undefined ? (cursors.get(chosen.version) ?? 0) % Math.max(1, n) : chosen.targets.indexOf(first) + 1;
  for (let i = 0; i < n; i++) {
    const target = chosen.targets[(at + i) % n]!;
    if (target !== first) out.push({ version: chosen.version, target });
  }
  const others = route.backends.filter((b) => b !== chosen);
  const weighted = others.filter((b) => b.weight > 0).sort((a, b) => b.weight - a.weight);
  const unweighted = others.filter((b) => b.weight <= 0);
  for (const b of [...weighted, ...unweighted]) {
    const m = b.targets.length;
    const start = m === 0 ? 0 : (cursors.get(b.version) ?? 0) % m;
    for (let i = 0; i < m; i++) out.push({ version: b.version, target: b.targets[(start + i) % m]! });
  }
  return out;
}

/**
 * Every place a request may be tried, best first (the first request-time choice and its
 * fallbacks together). Returns null when no backend has weight: the route is switched off.
 */
export function planCandidates(route: Route, cursors: Cursors, random?: () => number): Plan | null {
  const chosen = chooseBackend(route, random);
  if (!chosen) return null;
  const first = nextTarget(chosen, cursors);
  const rest = fallbacks(route, chosen, first, cursors);
  return { version: chosen.version, candidates: first === undefined ? rest : [{ version: chosen.version, target: first }, ...rest] };
}
