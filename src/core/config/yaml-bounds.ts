import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { ConfigProblem } from "./problem.js";
import { yamlProblem } from "./problem.js";

/**
 * Bounds on a YAML document, far above any real slipway.yaml (a large one has a few hundred
 * nodes and a nesting depth under 10), so a hostile one is refused with a clear problem
 * instead of costing the server minutes of CPU or gigabytes of memory.
 */
export const YAML_LIMITS = {
  /** Alias expansions while building the data (yaml's own resource-exhaustion guard). */
  maxAliasCount: 100,
  /** Mapping/list nesting. */
  maxDepth: 64,
  /** Scalars, mappings, lists and aliases in the whole document. */
  maxNodes: 200_000,
};

export interface BoundedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** The data, when the document parsed within bounds and without errors. */
  data: unknown;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

const HINT = "a slipway.yaml is a small hand-written file; this one is not what it looks like";

/**
 * Parses YAML text within YAML_LIMITS. Duplicate keys are found here in one pass: the yaml
 * library's own check compares each key with every earlier key of its mapping, which made
 * checking time grow with the square of a mapping's size.
 */
export function parseBoundedYaml(text: string, file: string): BoundedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const warnings = doc.warnings.map((w) => yamlProblem(w, file, lineCounter));
  const at = (offset: number, message: string, hint = HINT): ConfigProblem => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: "", message, hint };
  };
  if (doc.errors.length > 0) {
    return { doc, lineCounter, data: undefined, errors: doc.errors.map((e) => yamlProblem(e, file, lineCounter)), warnings };
  }
  const shape = checkShape(doc.contents as Node | null, at);
  if (shape.length > 0) return { doc, lineCounter, data: undefined, errors: shape, warnings };
  try {
    return { doc, lineCounter, data: doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }), errors: [], warnings };
  } catch (err) {
    // yaml throws a ReferenceError for an alias bomb (and for an alias to nothing).
    const message = (err as Error).message;
    const bomb = /excessive alias count/i.test(message);
    const problem = bomb
      ? at(0, `YAML: the aliases (*name) in this file expand to more than ${YAML_LIMITS.maxAliasCount} copies; a slipway.yaml needs few if any`, "write the values out, or use fewer nested aliases")
      : at(0, `YAML: ${message}`, "fix the YAML syntax first");
    return { doc, lineCounter, data: undefined, errors: [problem], warnings };
  }
}

/** Counts nodes and depth and finds duplicate keys, iteratively (no recursion to overflow). */
function checkShape(root: Node | null, at: (offset: number, message: string, hint?: string) => ConfigProblem): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stack: { node: Node; depth: number }[] = root ? [{ node: root, depth: 1 }] : [];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (++nodes > YAML_LIMITS.maxNodes) return [at(node.range?.[0] ?? 0, `YAML: the file has more than ${YAML_LIMITS.maxNodes} values`)];
    if (depth > YAML_LIMITS.maxDepth) return [at(node.range?.[0] ?? 0, `YAML: values are nested more than ${YAML_LIMITS.maxDepth} levels deep`)];
    if (isAlias(node) || isScalar(node)) continue;
    if (isSeq(node)) {
      for (const item of node.items) if (item) stack.push({ node: item as Node, depth: depth + 1 });
    } else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key)) {
          if (seen.has(key.value)) problems.push(at(key.range?.[0] ?? 0, "YAML: Map keys must be unique", "remove or rename the repeated key"));
          seen.add(key.value);
        } else if (key) {
          stack.push({ node: key, depth: depth + 1 });
        }
        if (pair.value) stack.push({ node: pair.value as Node, depth: depth + 1 });
      }
    }
  }
  return problems;
}
