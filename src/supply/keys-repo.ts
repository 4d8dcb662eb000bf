import type { Selectable } from "kysely";
import { badInput, conflict, newId, notFound, type Clock } from "../core/index.js";
import type { SigningKeysTable } from "../store/index.js";
import type { HasDb } from "./artifact-repo.js";
import { parsePublicKey, shortKeyId, type KeyAlgorithm } from "./keys.js";
import { checkServiceName } from "./names.js";

/** A registered public key and who may use it. */
export interface SigningKey {
  id: string;
  name: string;
  algorithm: KeyAlgorithm;
  /** sha256 hex of the SPKI DER bytes. */
  keyId: string;
  publicPem: string;
  /** Services whose artifacts it may sign; empty: any service. */
  services: string[];
  description: string | null;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  revokeReason: string | null;
  state: "active" | "revoked";
}

const KEY_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Throws bad_input unless `name` can name a key (it appears in slipway.yaml's signed_by). */
export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw badInput(`key name ${JSON.stringify(name)} is not valid`, { hint: "use lower-case letters, digits and . _ -, starting with a letter or digit (e.g. release-key)" });
  }
}

function rowToKey(row: Selectable<SigningKeysTable>): SigningKey {
  return {
    id: row.id,
    name: row.name,
    algorithm: row.algorithm as KeyAlgorithm,
    keyId: row.key_id,
    publicPem: row.public_pem,
    services: JSON.parse(row.services_json) as string[],
    description: row.description,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    state: row.revoked_at === null ? "active" : "revoked",
  };
}

export interface RegisterKeyInput {
  name: string;
  publicPem: string;
  services?: readonly string[];
  description?: string | null;
  actor: string;
}

/** Registers a public key under a name. Names and keys are unique: a key is registered once. */
export async function registerKey(store: HasDb, input: RegisterKeyInput, clock: Clock): Promise<SigningKey> {
  checkKeyName(input.name);
  for (const s of input.services ?? []) checkServiceName(s);
  const parsed = parsePublicKey(input.publicPem, `the public key for ${input.name}`);
  const byName = await store.db.selectFrom("signing_keys").selectAll().where("name", "=", input.name).executeTakeFirst();
  if (byName) throw conflict(`a key named ${input.name} is already registered (${shortKeyId(byName.key_id)})`, { hint: "register the new key under a new name, and revoke the old one when it is retired" });
  const byKey = await store.db.selectFrom("signing_keys").selectAll().where("key_id", "=", parsed.keyId).executeTakeFirst();
  if (byKey) throw conflict(`this public key (${shortKeyId(parsed.keyId)}) is already registered as ${byKey.name}`, { hint: `use the name ${byKey.name} in signed_by` });
  const row: SigningKeysTable = {
    id: newId(),
    name: input.name,
    algorithm: parsed.algorithm,
    key_id: parsed.keyId,
    public_pem: parsed.pem,
    services_json: JSON.stringify([...new Set(input.services ?? [])].sort()),
    description: input.description ?? null,
    created_by: input.actor,
    created_at: clock.now(),
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
  };
  await store.db.insertInto("signing_keys").values(row).execute();
  return rowToKey(row);
}

/** Every registered key, revoked ones included, by name. */
export async function listKeys(store: HasDb): Promise<SigningKey[]> {
  return (await store.db.selectFrom("signing_keys").selectAll().orderBy("name").execute()).map(rowToKey);
}

/** The key named `name`, or a not_found error that says how to register it. */
export async function requireKey(store: HasDb, name: string): Promise<SigningKey> {
  const row = await store.db.selectFrom("signing_keys").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw notFound(`no key named ${name}`, { hint: `register it: slipway keys register ${name} --public ${name}.pub` });
  return rowToKey(row);
}

/** Revokes a key: from now on no signature by it counts, whenever it was made. */
export async function revokeKey(store: HasDb, input: { name: string; actor: string; reason: string }, clock: Clock): Promise<SigningKey> {
  const key = await requireKey(store, input.name);
  if (key.revokedAt !== null) throw conflict(`key ${input.name} was already revoked at ${new Date(key.revokedAt).toISOString()} by ${key.revokedBy}`);
  const at = clock.now();
  await store.db.updateTable("signing_keys").set({ revoked_at: at, revoked_by: input.actor, revoke_reason: input.reason }).where("id", "=", key.id).where("revoked_at", "is", null).execute();
  return { ...key, revokedAt: at, revokedBy: input.actor, revokeReason: input.reason, state: "revoked" };
}
