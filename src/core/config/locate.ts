import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Document, LineCounter, Node } from "yaml";
import type { ConfigPath, LocateMode, Locator } from "./problem.js";

interface Walked {
  /** The deepest node reached. */
  node: Node | null;
  /** The key of the pair whose value `node` is, when reached through a mapping. */
  key: Node | null;
  /** How many path elements were found. */
  depth: number;
}

type Pair = { key: unknown; value: unknown };

/**
 * Each mapping's pairs by key, built once per mapping on first use: a file with thousands of
 * problems in one mapping would otherwise search that mapping once per problem (quadratic).
 */
function pairIndex(): (map: { items: Pair[] }) => Map<string, Pair> {
  const indexes = new WeakMap<object, Map<string, Pair>>();
  return (map) => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const name = isScalar(p.key) ? String(p.key.value) : String(p.key);
        if (!index.has(name)) index.set(name, p);
      }
      indexes.set(map, index);
    }
    return index;
  };
}

function walk(doc: Document, path: ConfigPath, pairsOf: ReturnType<typeof pairIndex>): Walked {
  let node = (doc.contents as Node | null) ?? null;
  let key: Node | null = null;
  let depth = 0;
  for (const element of path) {
    if (node && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? node;
    let next: { node: Node | null; key: Node | null } | undefined;
    if (node && isMap(node)) {
      const pair = pairsOf(node as { items: Pair[] }).get(String(element));
      if (pair) next = { node: (pair.value as Node | null) ?? null, key: (pair.key as Node | null) ?? null };
    } else if (node && isSeq(node) && typeof element === "number") {
      const item = node.items[element] as Node | undefined;
      if (item) next = { node: item, key: null };
    }
    if (!next) break;
    ({ node, key } = { node: next.node, key: next.key });
    depth++;
  }
  return { node, key, depth };
}

function offsetOf(node: Node | null): number | undefined {
  // An empty value (`command:`) is a zero-width node after the colon; point at its key instead.
  if (node && isScalar(node) && node.value === null && node.range && node.range[0] === node.range[1]) return undefined;
  return node?.range?.[0];
}

/**
 * Builds a Locator over a parsed YAML document. A wrong value points at the value, an unknown
 * key at the key itself, and a missing key at the key that opens its parent mapping (or the
 * top of the file), which is where a person would add it.
 */
export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const pairsOf = pairIndex();
  return (path: ConfigPath, mode: LocateMode) => {
    const target = mode === "parent" ? path.slice(0, -1) : path;
    const walked = walk(doc, target, pairsOf);
    const complete = walked.depth === target.length;
    let offset: number | undefined;
    if (complete && mode === "value") offset = offsetOf(walked.node) ?? offsetOf(walked.key);
    else offset = offsetOf(walked.key) ?? offsetOf(walked.node);
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
}
