import { createHash } from "node:crypto";
import { badInput } from "../core/index.js";
import type { AuditEvent } from "./types.js";

/** The prev_hash of the first event: 64 zeros, also what audit_head starts with. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Canonical JSON: the one serialization that audit hashes are computed over, so that a
 * verifier (including an offline one reading an evidence bundle) reproduces them byte for byte.
 *
 * Rules (the JSON subset Slipway writes, serialized as RFC 8785 / JCS does):
 * - no whitespace anywhere;
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), recursively;
 * - strings and finite numbers exactly as `JSON.stringify` writes them;
 * - `toJSON()` is honoured (Dates become ISO strings), as in JSON.stringify;
 * - object members whose value is undefined, a function or a symbol are left out; in arrays
 *   such values become `null` (JSON.stringify's behaviour);
 * - NaN, ±Infinity, bigint and cycles are refused rather than silently changed, because a value
 *   that does not survive a JSON round trip could never be verified later.
 *
 * `canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x)` for every accepted x.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set());
  if (out === undefined) throw badInput("cannot serialize undefined as canonical JSON");
  return out;
}

function write(value: unknown, open: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw badInput(`cannot serialize ${value} as canonical JSON`);
      return JSON.stringify(value);
    case "bigint":
      throw badInput("cannot serialize a bigint as canonical JSON", { hint: "store it as a string" });
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (open.has(obj)) throw badInput("cannot serialize a value that contains itself (a cycle) as canonical JSON");
  open.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => write(v, open) ?? "null").join(",")}]`;
    const members: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      const v = write((obj as Record<string, unknown>)[key], open);
      if (v !== undefined) members.push(`${JSON.stringify(key)}:${v}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    open.delete(obj);
  }
}

/** The fields of an event that its hash covers: everything except the hashes themselves. */
export type HashedFields = Pick<AuditEvent, "id" | "seq" | "at" | "actor" | "action" | "subject" | "payload">;

/**
 * `sha256_hex(prevHash ‖ canonicalJson({ action, actor, at, id, payload, seq, subject }))`,
 * over the UTF-8 bytes. prevHash is 64 hex characters, so the concatenation is unambiguous.
 * The seq is hashed too, so reordering or renumbering events breaks the chain.
 */
export function hashEvent(prevHash: string, event: HashedFields): string {
  const body = canonicalJson({
    id: event.id,
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    payload: event.payload ?? null,
  });
  return createHash("sha256").update(prevHash, "utf8").update(body, "utf8").digest("hex");
}
