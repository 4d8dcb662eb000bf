import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { badInput, conflict, newId, notFound, type Clock } from "../core/index.js";
import type { Store, WebhookSourcesTable } from "../store/index.js";

/**
 * Inbound CI webhooks: which repositories may post (each with its own secret, by reference:
 * `env:NAME` or `file:/path`, resolved when a delivery arrives and never stored), the checks
 * (GitHub's X-Hub-Signature-256 HMAC, GitLab's X-Gitlab-Token, both compared in constant
 * time), and the deliveries already accepted (a replay is refused).
 */

export const WEBHOOK_PROVIDERS = ["github", "gitlab"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export interface WebhookSource {
  id: string;
  provider: WebhookProvider;
  /** GitHub `owner/name`, GitLab `group/project` (path_with_namespace). */
  repository: string;
  /** Where the secret is: env:NAME or file:/path. */
  secretRef: string;
  service: string | null;
  createdBy: string;
  createdAt: number;
}

const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;

const toSource = (r: WebhookSourcesTable): WebhookSource => ({ id: r.id, provider: r.provider as WebhookProvider, repository: r.repository, secretRef: r.secret_ref, service: r.service, createdBy: r.created_by, createdAt: Number(r.created_at) });

export async function addWebhookSource(store: Store, input: { provider: WebhookProvider; repository: string; secretRef: string; service?: string | null; actor: string }, clock: Clock): Promise<WebhookSource> {
  if (!REPOSITORY.test(input.repository)) throw badInput(`repository ${JSON.stringify(input.repository)} is not owner/name`, { hint: "give the repository as GitHub's owner/name or GitLab's group/project" });
  if (!SECRET_REF.test(input.secretRef)) throw badInput(`secret ${JSON.stringify(input.secretRef)} is not a reference`, { hint: "give where the secret is, never the secret: env:NAME (set on the server) or file:/path" });
  const existing = await store.db.selectFrom("webhook_sources").select("id").where("provider", "=", input.provider).where("repository", "=", input.repository).executeTakeFirst();
  if (existing) throw conflict(`${input.provider} repository ${input.repository} already has a webhook source (${existing.id})`, { hint: "remove it first to change its secret" });
  const row: WebhookSourcesTable = { id: newId(), provider: input.provider, repository: input.repository, secret_ref: input.secretRef, service: input.service ?? null, created_by: input.actor, created_at: clock.now() };
  await store.db.insertInto("webhook_sources").values(row).execute();
  return toSource(row);
}

export async function listWebhookSources(store: Store): Promise<WebhookSource[]> {
  return (await store.db.selectFrom("webhook_sources").selectAll().orderBy("provider").orderBy("repository").execute()).map(toSource);
}

export async function removeWebhookSource(store: Store, id: string): Promise<WebhookSource> {
  const row = await store.db.selectFrom("webhook_sources").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no webhook source ${id}`, { hint: "list them with slipway webhook list" });
  await store.db.deleteFrom("webhook_sources").where("id", "=", id).execute();
  return toSource(row);
}

export async function findWebhookSource(store: Store, provider: WebhookProvider, repository: string): Promise<WebhookSource | undefined> {
  const row = await store.db.selectFrom("webhook_sources").selectAll().where("provider", "=", provider).where("repository", "=", repository).executeTakeFirst();
  return row ? toSource(row) : undefined;
}

/** True when this delivery was accepted before (a replay). */
export async function seenDelivery(store: Store, provider: WebhookProvider, deliveryId: string): Promise<boolean> {
  return (await store.db.selectFrom("webhook_deliveries").select("delivery_id").where("provider", "=", provider).where("delivery_id", "=", deliveryId).executeTakeFirst()) !== undefined;
}

/** Records an accepted delivery; false when another request recorded it first (a concurrent replay). */
export async function recordDelivery(store: Store, provider: WebhookProvider, deliveryId: string, clock: Clock): Promise<boolean> {
  try {
    await store.db.insertInto("webhook_deliveries").values({ provider, delivery_id: deliveryId, received_at: clock.now() }).execute();
    return true;
  } catch (err) {
    if (await seenDelivery(store, provider, deliveryId)) return false;
    throw err;
  }
}

/** GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, checked in constant time. */
export function verifyGithubSignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  return timingSafeEqual(expected, Buffer.from(header.toLowerCase()));
}

/** GitLab's `X-Gitlab-Token` (the secret itself), compared in constant time via equal-length hashes. */
export function verifyGitlabToken(header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const hash = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(hash(header), hash(secret));
}
