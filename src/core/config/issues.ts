import type { z } from "zod";
import { allowedKeysAt, literalValues, schemaAt } from "./schema-walk.js";
import { didYouMean } from "./suggest.js";
import { dotted, hasKey, renderValue, valueAt } from "./problem.js";
import type { ConfigPath, ConfigProblem, LocateMode, Locator } from "./problem.js";

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/**
 * Marks zod's own (generic) messages. Parsing with an error map that returns this lets us tell
 * them from the messages the schema wrote on purpose, which are kept as they are.
 */
const GENERIC = "\u0000";

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

interface Context {
  schema: Schema;
  data: unknown;
  file: string;
  locate: Locator;
}

function problem(ctx: Context, path: ConfigPath, mode: LocateMode, fields: Omit<ConfigProblem, "file" | "line" | "column" | "path">): ConfigProblem {
  return { file: ctx.file, ...ctx.locate(path, mode), path: dotted(path), ...fields };
}

/** `a, b or c` */
function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** "found X, expected Y" when the schema wrote an "expected …" sentence; the sentence alone otherwise. */
function withFound(found: string, message: string): string {
  return message.startsWith("expected") ? `found ${found}, ${message}` : message;
}

function missing(ctx: Context, path: ConfigPath, fallback: string): ConfigProblem {
  const description = schemaAt(ctx.schema, path, ctx.data)?.description;
  const what = description ?? (fallback === GENERIC ? undefined : fallback.replace(/^expected /, ""));
  return problem(ctx, path, "parent", {
    message: `missing required key ${dotted(path)}${what ? `: ${what}` : ""}`,
    hint: `add ${String(path[path.length - 1])}: under ${path.length > 1 ? dotted(path.slice(0, -1)) : "the top level"}`,
  });
}

function unknownKeys(ctx: Context, path: ConfigPath, keys: string[]): ConfigProblem[] {
  const allowed = allowedKeysAt(ctx.schema, path, ctx.data) ?? [];
  const under = path.length > 0 ? `under ${dotted(path)}` : "at the top level";
  return keys.map((key) => {
    const guess = didYouMean(key, allowed);
    const tail = guess ? `did you mean "${guess}"?` : `allowed: ${allowed.join(", ")}`;
    return problem(ctx, [...path, key], "key", { message: `unknown key "${key}" ${under}; ${tail}`, allowed });
  });
}

function badChoice(ctx: Context, path: ConfigPath, allowed: string[]): ConfigProblem {
  const found = renderValue(valueAt(ctx.data, path));
  const raw = valueAt(ctx.data, path);
  const guess = typeof raw === "string" ? didYouMean(raw, allowed) : undefined;
  return problem(ctx, path, "value", {
    message: `found ${found}; allowed: ${allowed.join(", ")}`,
    found,
    allowed,
    ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
  });
}

function sizeMessage(issue: Issue & { code: "too_small" | "too_big" }, value: unknown): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  const bound = small ? (issue.inclusive === false ? "more than" : "at least") : issue.inclusive === false ? "less than" : "at most";
  if (issue.origin === "array") {
    const count = Array.isArray(value) ? value.length : 0;
    return `found a list of ${count} item${count === 1 ? "" : "s"}, expected ${bound} ${limit}`;
  }
  if (issue.origin === "string") {
    return limit === 1 && small ? `found ${renderValue(value)}, expected a non-empty value` : `expected ${bound} ${limit} characters`;
  }
  return `found ${renderValue(value)}, expected ${bound} ${limit}`;
}

function formatMessage(issue: Issue & { code: "invalid_format" }): string {
  if (issue.message !== GENERIC) return issue.message;
  if (issue.format === "starts_with") return `expected text starting with "${(issue as { prefix?: string }).prefix}"`;
  return issue.pattern ? `expected text matching ${issue.pattern}` : `expected a valid ${issue.format}`;
}

/** Among a union's failed options, the one the user most likely meant: fewest issues, right type. */
function closestOption(options: Issue[][]): Issue[] {
  const score = (issues: Issue[]) =>
    issues.length + (issues.some((i) => i.code === "invalid_type" && i.path.length === 0) ? 100 : 0);
  return options.reduce((best, option) => (score(option) < score(best) ? option : best));
}

function union(ctx: Context, issue: Issue & { code: "invalid_union" }): ConfigProblem[] {
  const { path } = issue;
  if (issue.discriminator !== undefined || issue.errors.length === 0) {
    // An option whose discriminator has a default is listed as undefined: not a value to suggest.
    const allowed = ("options" in issue ? issue.options ?? [] : []).filter((o) => o !== undefined && o !== null).map(String);
    return hasKey(ctx.data, path) ? [badChoice(ctx, path, allowed)] : [missing(ctx, path, GENERIC)];
  }
  // Every option rejected the value's type: say once what types would do.
  const typeOnly = issue.errors.every((o) => o.length === 1 && o[0]!.code === "invalid_type" && o[0]!.path.length === 0);
  if (typeOnly) {
    const found = renderValue(valueAt(ctx.data, path));
    const expected = issue.errors.map((o) => {
      const only = o[0] as Issue & { code: "invalid_type" };
      return only.expected === "boolean" ? "true/false" : (TYPE_NAMES[only.expected] ?? only.expected);
    });
    return [problem(ctx, path, "value", { message: `found ${found}, expected ${orList(expected)}`, found })];
  }
  return closestOption(issue.errors).flatMap((inner) => toProblems(ctx, { ...inner, path: [...path, ...inner.path] } as Issue));
}

function invalidType(ctx: Context, issue: Issue & { code: "invalid_type" }): ConfigProblem {
  const { path } = issue;
  if (!hasKey(ctx.data, path) && path.length > 0) return missing(ctx, path, issue.message);
  const found = renderValue(valueAt(ctx.data, path));
  const allowed = literalValues(schemaAt(ctx.schema, path, ctx.data)?.schema ?? ({} as Schema));
  let expected = issue.message !== GENERIC ? issue.message : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  const keys = issue.expected === "object" ? allowedKeysAt(ctx.schema, path, ctx.data) : undefined;
  if (keys && issue.message === GENERIC) expected += ` with the keys ${orList(keys).replace(/ or /, " and ")}`;
  // `dev:` with nothing after it reads as "use the defaults", but YAML makes it null.
  const hint = keys && valueAt(ctx.data, path) === null ? `write ${String(path[path.length - 1])}: {} to take every default` : undefined;
  return problem(ctx, path, "value", {
    message: withFound(found, expected),
    found,
    ...(allowed ? { allowed } : {}),
    ...(hint ? { hint } : {}),
  });
}

function toProblems(ctx: Context, issue: Issue): ConfigProblem[] {
  const { path } = issue;
  const value = valueAt(ctx.data, path);
  const found = renderValue(value);
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKeys(ctx, path, issue.keys);
    case "invalid_type":
      return [invalidType(ctx, issue)];
    case "invalid_value":
      return [badChoice(ctx, path, issue.values.map(String))];
    case "invalid_union":
      return union(ctx, issue);
    case "invalid_key": {
      const inner = issue.issues[0];
      const why = inner && inner.message !== GENERIC ? inner.message : "not a valid key here";
      const key = String(path[path.length - 1]);
      return [problem(ctx, path, "key", { message: `invalid key "${key}": ${why}`, found: JSON.stringify(key) })];
    }
    case "too_small":
    case "too_big":
      return [problem(ctx, path, "value", { message: sizeMessage(issue, value), found })];
    case "invalid_format":
      return [problem(ctx, path, "value", { message: withFound(found, formatMessage(issue)), found })];
    default: {
      const message = issue.message === GENERIC ? `found ${found}, which is not allowed here` : withFound(found, issue.message);
      return [problem(ctx, path, "value", { message, found })];
    }
  }
}

/**
 * Validates YAML data against a schema and turns every zod issue into a located problem
 * with a message that names what was found and what is allowed.
 */
export function schemaProblems<S extends Schema>(
  schema: S,
  data: unknown,
  file: string,
  locate: Locator,
): { output: z.core.output<S> | undefined; problems: ConfigProblem[] } {
  const result = (schema as unknown as z.ZodType).safeParse(data, { error: () => GENERIC });
  if (result.success) return { output: result.data as z.core.output<S>, problems: [] };
  const ctx: Context = { schema, data, file, locate };
  return { output: undefined, problems: result.error.issues.flatMap((issue) => toProblems(ctx, issue as Issue)) };
}
