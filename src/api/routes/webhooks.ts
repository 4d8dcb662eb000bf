/**
 * CI webhooks. GitHub `workflow_run` / `workflow_job` deliveries carry X-Hub-Signature-256 (an
 * HMAC of the raw body with the repository's secret); GitLab Pipeline Hooks carry X-Gitlab-Token.
 * Both are checked in constant time against the secret registered for the repository (by
 * reference, resolved now). A forged, unsigned or replayed delivery is refused with 401 and
 * recorded as `webhook.refused`; nothing else is stored. Admins manage the sources.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { badInput, SlipwayError, unavailable } from "../../core/index.js";
import { resolveConfig } from "../../secrets/index.js";
import {
  addWebhookSource,
  findWebhookSource,
  fromGithub,
  fromGitlab,
  githubRepository,
  gitlabRepository,
  ingestRun,
  listWebhookSources,
  recordDelivery,
  removeWebhookSource,
  seenDelivery,
  verifyGithubSignature,
  verifyGitlabToken,
  WEBHOOK_PROVIDERS,
  type WebhookProvider,
} from "../../pipeline/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";
import { ingestContext } from "./pipeline-runs.js";

/** GitHub caps deliveries at 25 MB. */
const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;

const sourceBody = z.strictObject({
  provider: z.enum(WEBHOOK_PROVIDERS),
  repository: z.string().min(1).max(300),
  secret: z.string().min(1).max(1000).describe("where the secret is: env:NAME or file:/path (never the secret itself)"),
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/).optional(),
});

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function registerWebhookRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/webhook-sources", summary: "Allow a GitHub or GitLab repository to post webhooks, with its secret by reference (env:NAME or file:/path)", body: sourceBody, access: "admin", action: "manage webhook sources" }, async ({ body, request, reply }) => {
    const source = await addWebhookSource(ctx.store, { provider: body.provider, repository: body.repository, secretRef: body.secret, service: body.service, actor: actorOf(request) }, ctx.clock);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "webhook.source.added", subject: `webhook/${source.provider}/${source.repository}`, payload: { id: source.id, secretRef: source.secretRef, service: source.service } }, ctx.clock);
    reply.status(201);
    return { source };
  });
  route(app, { method: "GET", path: "/api/v1/webhook-sources", summary: "List the repositories allowed to post webhooks (secret references only)", access: "admin", action: "list webhook sources" }, async () => ({ sources: await listWebhookSources(ctx.store) }));
  route(app, { method: "DELETE", path: "/api/v1/webhook-sources/{id}", summary: "Stop accepting a repository's webhooks", access: "admin", action: "manage webhook sources" }, async ({ params, request }) => {
    const source = await removeWebhookSource(ctx.store, params.id!);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "webhook.source.removed", subject: `webhook/${source.provider}/${source.repository}`, payload: { id: source.id } }, ctx.clock);
    return { source };
  });

  // The signature is over the raw bytes: keep them.
  app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    route(scope, { method: "POST", path: "/api/v1/webhooks/github", summary: "GitHub workflow_run / workflow_job webhook (X-Hub-Signature-256 with the repository's secret)", access: "public", rawBody: "application/json", bodyLimit: MAX_DELIVERY_BYTES }, async ({ request, reply }) => {
      const event = header(request, "x-github-event");
      const delivery = header(request, "x-github-delivery");
      if (!event || !delivery) throw badInput("not a GitHub webhook delivery: the X-GitHub-Event and X-GitHub-Delivery headers are required", { hint: "point a GitHub webhook (content type application/json) at this URL" });
      const { raw, payload, repository } = readDelivery(request, githubRepository);
      await admit(ctx, request, { provider: "github", repository, delivery, event, check: (secret) => verifyGithubSignature(raw, header(request, "x-hub-signature-256"), secret), what: "X-Hub-Signature-256" });
      if (event === "ping") return finish(ctx, "github", delivery, { ok: true, event });
      const input = fromGithub(event, payload);
      if (!input) return reply.status(202).send(await finish(ctx, "github", delivery, { ignored: event }));
      const source = await findWebhookSource(ctx.store, "github", repository);
      const { run } = await ingestRun(ingestContext(ctx), { ...input, service: source?.service ?? null }, `github:${repository}`);
      return finish(ctx, "github", delivery, { run });
    });
    route(scope, { method: "POST", path: "/api/v1/webhooks/gitlab", summary: "GitLab Pipeline Hook (X-Gitlab-Token with the project's secret)", access: "public", rawBody: "application/json", bodyLimit: MAX_DELIVERY_BYTES }, async ({ request, reply }) => {
      const event = header(request, "x-gitlab-event");
      if (!event) throw badInput("not a GitLab webhook delivery: the X-Gitlab-Event header is required", { hint: "point a GitLab project webhook (Pipeline events) at this URL" });
      const { payload, repository } = readDelivery(request, gitlabRepository);
      const delivery = header(request, "x-gitlab-event-uuid") ?? header(request, "idempotency-key");
      await admit(ctx, request, { provider: "gitlab", repository, delivery, event, check: (secret) => verifyGitlabToken(header(request, "x-gitlab-token"), secret), what: "X-Gitlab-Token" });
      if (event !== "Pipeline Hook") return reply.status(202).send(await finish(ctx, "gitlab", delivery, { ignored: event }));
      const source = await findWebhookSource(ctx.store, "gitlab", repository);
      const { run } = await ingestRun(ingestContext(ctx), { ...fromGitlab(payload), service: source?.service ?? null }, `gitlab:${repository}`);
      return finish(ctx, "gitlab", delivery, { run });
    });
  });
}

/** The raw body, its JSON, and the repository it claims (used only to find the secret to check it with). */
function readDelivery(request: FastifyRequest, repositoryOf: (payload: unknown) => string | null): { raw: Buffer; payload: unknown; repository: string } {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw badInput("the delivery has no body", { hint: "send the event as JSON" });
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw badInput(`the delivery is not JSON: ${(err as Error).message}`, { hint: "configure the webhook's content type as application/json" });
  }
  const repository = repositoryOf(payload);
  if (!repository) throw badInput("the delivery names no repository", { hint: "send repository (GitHub) or project (GitLab) events" });
  return { raw, payload, repository };
}

interface Admission {
  provider: WebhookProvider;
  repository: string;
  delivery: string | undefined;
  event: string;
  check: (secret: string) => boolean;
  what: string;
}

/** Refuses (401, recorded) a delivery from an unknown repository, with a bad secret, or seen before. */
async function admit(ctx: ApiContext, request: FastifyRequest, a: Admission): Promise<void> {
  const refuse = async (reason: string, hint: string): Promise<never> => {
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: `${a.provider}:webhook`, action: "webhook.refused", subject: `webhook/${a.provider}/${a.repository}`, payload: { event: a.event, delivery: a.delivery ?? null, reason, from: request.ip } }, ctx.clock);
    throw new SlipwayError("unauthorized", reason, { hint });
  };
  const source = await findWebhookSource(ctx.store, a.provider, a.repository);
  if (!source) return refuse(`no webhook secret is registered for ${a.provider} repository ${a.repository}`, `an admin registers it: slipway webhook add ${a.provider} --repo ${a.repository} --secret env:NAME`);
  // Resolved now, from the server's environment or a file; never stored, never logged.
  let secret: string;
  try {
    secret = resolveConfig({ WEBHOOK_SECRET: { secret: source.secretRef } }, ctx.engine.ctx.secretSource).secrets.WEBHOOK_SECRET!;
  } catch (err) {
    throw unavailable(`the webhook secret of ${a.repository} (${source.secretRef}) cannot be read on this server`, { cause: err, hint: "set it where the reference points, on every control-plane replica, and restart" });
  }
  if (!a.check(secret)) return refuse(`${a.what} does not match the secret registered for ${a.repository}: the delivery is forged or the secret differs`, "set the same secret in the CI webhook and in the reference the source names");
  if (a.delivery && (await seenDelivery(ctx.store, a.provider, a.delivery))) return refuse(`delivery ${a.delivery} was already received: a replay is refused`, "each delivery is accepted once; trigger a new run instead");
}

/** Records the delivery as accepted (a later replay is refused) and returns the answer. */
async function finish<T>(ctx: ApiContext, provider: WebhookProvider, delivery: string | undefined, answer: T): Promise<T> {
  if (delivery && !(await recordDelivery(ctx.store, provider, delivery, ctx.clock))) {
    throw new SlipwayError("unauthorized", `delivery ${delivery} was already received: a replay is refused`);
  }
  return answer;
}
