/**
 * Drain-style log template mining (He et al., ICWS 2017): a fixed-depth prefix tree routes a
 * masked line by its length and first tokens to a few templates, and the most similar one above
 * a threshold absorbs it (differing tokens become wildcards). Used to cluster failures and
 * measured on Loghub.
 *
 * Three general departures from the published Drain, each measured on Loghub-2k (all systems):
 * - masking for templates also removes paths (`/a/b`, `C:\a\b`) and squeezes lists of masked
 *   values (`<*>,<*>`) to one, so a URL or a list does not change a line's length or shape;
 * - similarity counts a position as equal when both the template and the line hold the same
 *   token, wildcards included (two masked values at one place agree; Drain counted them as a
 *   difference, which split Linux's `connection from <*> (<host>) at <*>` lines);
 * - after the batch is grouped, a wildcard position that took only a few distinct plain words
 *   (`VM Started|Paused|Resumed|Stopped`) is a constant the threshold was too coarse to see, and
 *   splits its group (`groupLines` only; the incremental miner cannot know the values yet).
 */
import { maskLine, WILDCARD } from "./mask.js";

/** One template group. */
export interface TemplateGroup {
  id: number;
  tokens: string[];
  size: number;
}

/** Tuning of the miner. */
export interface DrainOptions {
  /** Prefix tokens used for routing (Drain depth - 2). */
  prefixTokens: number;
  /** Share of equal tokens needed to join a group. */
  similarity: number;
  /** Children per tree node before routing falls back to the wildcard child. */
  maxChildren: number;
  /**
   * A group's wildcard position holding at most this many distinct plain words splits the group
   * by them (0 turns it off; {@link groupLines} only).
   */
  splitValues: number;
}

const DEFAULTS: DrainOptions = { prefixTokens: 2, similarity: 0.5, maxChildren: 100, splitValues: 3 };

interface Node {
  children: Map<string, Node>;
  groups: TemplateGroup[];
}

const newNode = (): Node => ({ children: new Map(), groups: [] });
const HAS_DIGIT = /\d/;

// Paths with at least two separators (URL paths, file paths), after a boundary.
const PATH = /(?<=^|[\s=([,"'])(?:[A-Za-z]:)?(?:[/\\][^\s/\\]*){2,}/g;
// A list of masked values: "10.0.0.1,10.0.0.2" is one value.
const VALUE_LIST = /<\*>(?:[,;] ?<\*>)+/g;
const WILDCARD_RUN = /(?:<\*>)+/g;

/** Masking for template mining: {@link maskLine}, then paths and lists of values. */
export function maskTemplate(line: string): string {
  let s = maskLine(line);
  if (s.includes("/") || s.includes("\\")) s = s.replace(PATH, WILDCARD);
  if (s.includes(">,") || s.includes(">;")) s = s.replace(VALUE_LIST, WILDCARD);
  if (s.includes("<*><*>")) s = s.replace(WILDCARD_RUN, WILDCARD);
  return s;
}

/** Splits a masked line into tokens (whitespace, and `=`/`,` kept apart from values). */
export function tokenize(masked: string): string[] {
  return masked.split(/[\s]+|(?<=[=,])|(?=[=,])/).filter((t) => t.length > 0);
}

/** An incremental template miner. */
export class Drain {
  private readonly root = newNode();
  private readonly opts: DrainOptions;
  private nextId = 1;
  readonly groups: TemplateGroup[] = [];
  /** The tokens of the line last added. */
  lastTokens: string[] = [];

  constructor(options: Partial<DrainOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Adds one line and returns its group. */
  add(line: string): TemplateGroup {
    const tokens = tokenize(maskTemplate(line));
    this.lastTokens = tokens;
    const leaf = this.route(tokens);
    let best: TemplateGroup | undefined;
    let bestSim = -1;
    let bestWild = -1;
    for (const g of leaf.groups) {
      const [sim, wild] = similarityOf(g.tokens, tokens);
      if (sim > bestSim || (sim === bestSim && wild > bestWild)) {
        best = g;
        bestSim = sim;
        bestWild = wild;
      }
    }
    if (best && bestSim >= this.opts.similarity) {
      for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
      best.size++;
      return best;
    }
    const group: TemplateGroup = { id: this.nextId++, tokens: [...tokens], size: 1 };
    leaf.groups.push(group);
    this.groups.push(group);
    return group;
  }

  private route(tokens: string[]): Node {
    let node = child(this.root, String(tokens.length), Infinity);
    const depth = Math.min(this.opts.prefixTokens, tokens.length);
    for (let i = 0; i < depth; i++) {
      const t = tokens[i] as string;
      const key = HAS_DIGIT.test(t) || t.includes(WILDCARD) ? WILDCARD : t;
      node = child(node, key, this.opts.maxChildren);
    }
    return node;
  }
}

function child(node: Node, key: string, max: number): Node {
  let next = node.children.get(key);
  if (next) return next;
  if (node.children.size >= max) key = WILDCARD;
  next = node.children.get(key);
  if (!next) {
    next = newNode();
    node.children.set(key, next);
  }
  return next;
}

/** Share of positions with equal tokens (a wildcard in both counts as equal), and the template's wildcards. */
function similarityOf(template: readonly string[], tokens: readonly string[]): [number, number] {
  let same = 0;
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t === WILDCARD) wild++;
    if (t === tokens[i]) same++;
  }
  return [template.length === 0 ? 1 : same / template.length, wild];
}

/** Groups lines by template; returns each line's final template text (lines with one template share it). */
export function groupLines(lines: readonly string[], options: Partial<DrainOptions> = {}): string[] {
  const drain = new Drain(options);
  const tokens: string[][] = [];
  const assigned = lines.map((l) => {
    const g = drain.add(l);
    tokens.push(drain.lastTokens);
    return g;
  });
  const out = assigned.map((g) => g.tokens.join(" "));
  const limit = options.splitValues ?? DEFAULTS.splitValues;
  if (limit > 0) splitFewValued(assigned, tokens, out, limit);
  return out;
}

const PLAIN_WORD = /^[A-Za-z]+[.:]?$/;

/**
 * Splits groups at wildcard positions that took at most `limit` distinct plain words: such a
 * position is a closed set of constants (an event name, a state), not a variable.
 */
function splitFewValued(assigned: readonly TemplateGroup[], tokens: readonly string[][], out: string[], limit: number): void {
  const members = new Map<TemplateGroup, number[]>();
  assigned.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  for (const [g, idx] of members) {
    if (idx.length < 2) continue;
    const keyPositions: number[] = [];
    g.tokens.forEach((t, pos) => {
      if (t !== WILDCARD) return;
      const values = new Set<string>();
      for (const i of idx) {
        values.add(tokens[i]?.[pos] ?? "");
        if (values.size > limit) return;
      }
      for (const v of values) if (!PLAIN_WORD.test(v)) return;
      keyPositions.push(pos);
    });
    if (keyPositions.length === 0) continue;
    for (const i of idx) {
      out[i] = g.tokens.map((t, p) => (keyPositions.includes(p) ? (tokens[i]?.[p] ?? t) : t)).join(" ");
    }
  }
}
