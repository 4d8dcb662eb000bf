import { readFileSync } from "node:fs";
import { badInput } from "../core/errors.js";
import type { ConfigValue } from "../core/config/schema.js";

/** An environment's config, split into plain variables and resolved secret values. */
export interface ResolvedConfig {
  /** Plain values: may be shown and stored. */
  env: Record<string, string>;
  /** Secret values by variable name: passed to the process, redacted from output, never stored. */
  secrets: Record<string, string>;
}

/**
 * Resolves an environment's `config`: plain values pass through; `{ secret: "env:NAME" }` is
 * read from `source` and `{ secret: "file:/path" }` from the file (one trailing newline
 * dropped). A reference that cannot be resolved is a `bad_input` error naming the key and the
 * reference, never a value.
 */
export function resolveConfig(
  values: Record<string, ConfigValue>,
  source: Record<string, string | undefined> = process.env,
): ResolvedConfig {
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string") env[key] = value;
    else secrets[key] = resolveSecret(key, value.secret, source);
  }
  return { env, secrets };
}

/** Resolves one secret reference (`env:NAME` or `file:/path`); `key` names its use in errors (never the value). */
export function resolveSecretReference(key: string, reference: string, source: Record<string, string | undefined> = process.env): string {
  return resolveSecret(key, reference, source);
}

function resolveSecret(key: string, reference: string, source: Record<string, string | undefined>): string {
  const colon = reference.indexOf(":");
  const scheme = reference.slice(0, colon);
  const target = reference.slice(colon + 1);
  if (colon > 0 && scheme === "env" && target) return fromEnv(key, reference, target, source);
  if (colon > 0 && scheme === "file" && target) return fromFile(key, reference, target);
  throw badInput(`config ${key}: unknown secret reference "${reference}"`, {
    hint: "write a secret reference as env:NAME or file:/path",
  });
}

function fromEnv(key: string, reference: string, name: string, source: Record<string, string | undefined>): string {
  const value = source[name];
  if (value === undefined || value === "") {
    throw badInput(`config ${key}: secret ${reference} is not set: variable ${name} is ${value === undefined ? "missing" : "empty"}`, {
      hint: `export ${name} before starting slipway server`,
      details: { key, reference },
    });
  }
  return value;
}

function fromFile(key: string, reference: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === "ENOENT"
        ? `create the file ${path} with the secret value`
        : `make ${path} a file readable by the user running slipway (${code ?? "read error"})`;
    throw badInput(`config ${key}: secret ${reference} cannot be read`, { hint, details: { key, reference } });
  }
  // Files written by editors and `echo` end with a newline that is not part of the secret.
  return text.replace(/\r?\n$/, "");
}
