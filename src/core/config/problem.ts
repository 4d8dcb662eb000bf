import type { LineCounter, YAMLError } from "yaml";
import type { ServiceConfig } from "./schema.js";

/**
 * One problem found in a slipway.yaml: where it is, which key, and what would fix it.
 * `path` is the dotted key (e.g. `environments.dev.strategy.type`; list items by index,
 * `verify.probes.0.http`), or "" for problems with the file as a whole (YAML syntax).
 */
export interface ConfigProblem {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  path: string;
  /** The whole sentence a user reads, including what was found and what is allowed. */
  message: string;
  /** The value found, as written for people (`"blue_green"`, `5`, `a list`). */
  found?: string;
  /** The values or keys allowed at this place, when there is a finite set. */
  allowed?: string[];
  hint?: string;
}

/** What parsing a slipway.yaml gives: the config only when there are no errors. */
export interface ConfigResult {
  config: ServiceConfig | undefined;
  /** The `service:` the file names, when it names one as text, even if the file has errors (for authorisation). */
  serviceName?: string;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** A path into the document, as zod reports it (keys and list indexes). */
export type ConfigPath = readonly PropertyKey[];

/**
 * Where a problem points: at a key's value (wrong value), at the key itself (unknown or
 * invalid key), or at the mapping that should hold a missing key.
 */
export type LocateMode = "value" | "key" | "parent";

/** Maps a document path to a 1-based line and column. */
export type Locator = (path: ConfigPath, mode: LocateMode) => { line: number; column: number };

/** Joins a path with dots: `["environments", "dev", "strategy"]` → `environments.dev.strategy`. */
export function dotted(path: ConfigPath): string {
  return path.map(String).join(".");
}

/** Renders a YAML value the way a person would point at it in a message. */
export function renderValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** Reads the raw value at `path` in parsed YAML data, or undefined if it is not there. */
export function valueAt(data: unknown, path: ConfigPath): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** True if the mapping at `path`'s parent has the last key of `path` (even with an empty value). */
export function hasKey(data: unknown, path: ConfigPath): boolean {
  if (path.length === 0) return data !== undefined;
  const parent = valueAt(data, path.slice(0, -1));
  return parent !== null && typeof parent === "object" && Object.hasOwn(parent, path[path.length - 1]!);
}

/** A YAML syntax error as a located problem. */
export function yamlProblem(err: YAMLError, file: string, lineCounter: LineCounter): ConfigProblem {
  const pos = lineCounter.linePos(err.pos[0]);
  // With prettyErrors off the message is the bare sentence; the position is ours to add.
  return {
    file,
    line: pos.line,
    column: pos.col,
    path: "",
    message: `YAML: ${err.message}`,
    hint: "fix the YAML syntax first; check the indentation and quoting around this spot",
  };
}
