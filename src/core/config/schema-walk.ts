import { z } from "zod";
import type { ConfigPath } from "./problem.js";

/**
 * Reads the zod schema itself, so messages can say which keys and values a place allows
 * without a second, hand-kept list that would drift from the schema.
 */

type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

function defOf(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

function descriptionOf(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.description;
}

/** Strips optional/default/pipe wrappers; returns the inner schema and the outermost description. */
function unwrap(schema: Schema): { schema: Schema; description: string | undefined } {
  let current = schema;
  let description = descriptionOf(current);
  for (;;) {
    const def = defOf(current);
    const inner = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : undefined;
    if (inner === undefined) return { schema: current, description };
    current = inner as Schema;
    description ??= descriptionOf(current);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const def = defOf(unwrap(schema).schema);
  return def.type === "object" ? (def.shape as Record<string, Schema>) : undefined;
}

/** The literal values a schema accepts (enum entries, literals), if it is such a schema. */
export function literalValues(schema: Schema): string[] | undefined {
  const def = defOf(unwrap(schema).schema);
  if (def.type === "enum") return Object.values(def.entries as Record<string, string>).map(String);
  if (def.type === "literal") return (def.values as unknown[]).map(String);
  return undefined;
}

/**
 * Picks the union option the data was meant for: by discriminator when there is one, else
 * the object option sharing most keys with the data, so messages describe that option.
 */
function chooseOption(union: Schema, data: unknown): Schema {
  const def = defOf(union);
  const options = def.options as Schema[];
  const discriminator = def.discriminator as string | undefined;
  if (discriminator && isRecord(data)) {
    const match = options.find((o) => {
      const field = shapeOf(o)?.[discriminator];
      return field !== undefined && literalValues(field)?.includes(String(data[discriminator]));
    });
    if (match) return match;
  }
  const keys = isRecord(data) ? Object.keys(data) : [];
  let best = options[0]!;
  let bestScore = -1;
  for (const option of options) {
    const shape = shapeOf(option);
    if (!shape) continue;
    const score = keys.filter((k) => k in shape).length;
    if (score > bestScore) ({ best, bestScore } = { best: option, bestScore: score });
  }
  return best;
}

/** Where a path leads in the schema: the unwrapped schema there and the key's description. */
export interface SchemaPlace {
  schema: Schema;
  description: string | undefined;
}

/**
 * Follows `path` through the schema (objects, records, lists, unions chosen by the data),
 * or returns undefined when the schema has no such place.
 */
export function schemaAt(root: Schema, path: ConfigPath, data: unknown): SchemaPlace | undefined {
  let place = unwrap(root);
  let value = data;
  for (const key of path) {
    let schema = place.schema;
    if (defOf(schema).type === "union") schema = unwrap(chooseOption(schema, value)).schema;
    const def = defOf(schema);
    let child: Schema | undefined;
    if (def.type === "object") child = (def.shape as Record<string, Schema>)[String(key)];
    else if (def.type === "record") child = def.valueType as Schema;
    else if (def.type === "array") child = def.element as Schema;
    if (child === undefined) return undefined;
    place = unwrap(child);
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  if (defOf(place.schema).type === "union" && !literalValues(place.schema)) {
    const chosen = unwrap(chooseOption(place.schema, value));
    return { schema: chosen.schema, description: place.description ?? chosen.description };
  }
  return place;
}

/** The keys a mapping at `path` may have, in schema order; undefined if it is not a fixed mapping. */
export function allowedKeysAt(root: Schema, path: ConfigPath, data: unknown): string[] | undefined {
  const place = schemaAt(root, path, data);
  const shape = place && shapeOf(place.schema);
  return shape ? Object.keys(shape) : undefined;
}
