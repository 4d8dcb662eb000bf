/**
 * Drain-style log template mining (He et al., ICWS 2017): a fixed-depth prefix tree routes a
 * masked line by its length and first tokens to a few templates, and the most similar one above
 * a threshold absorbs it (differing tokens become wildcards). Used to cluster failures and
 * measured on Loghub.
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
}

const DEFAULTS: DrainOptions = { prefixTokens: 2, similarity: 0.5, maxChildren: 100 };

interface Node {
  children: Map<string, Node>;
  groups: TemplateGroup[];
}

const newNode = (): Node => ({ children: new Map(), groups: [] });
const HAS_DIGIT = /\d/;

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

  constructor(options: Partial<DrainOptions> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Adds one line and returns its group. */
  add(line: string): TemplateGroup {
    const tokens = tokenize(maskLine(line));
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

/** Drain's similarity: share of positions with equal tokens, wildcards not counting as equal. */
function similarityOf(template: readonly string[], tokens: readonly string[]): [number, number] {
  let same = 0;
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t === WILDCARD) wild++;
    else if (t === tokens[i]) same++;
  }
  return [template.length === 0 ? 1 : same / template.length, wild];
}

/** Groups lines by template; returns each line's final template text (lines with one template share it). */
export function groupLines(lines: readonly string[], options: Partial<DrainOptions> = {}): string[] {
  const drain = new Drain(options);
  const assigned = lines.map((l) => drain.add(l));
  return assigned.map((g) => g.tokens.join(" "));
}
