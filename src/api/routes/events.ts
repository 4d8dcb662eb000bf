import type { FastifyInstance } from "fastify";
import { listAuditEvents } from "../../audit/index.js";
import { isTerminal } from "../../core/index.js";
import { deploymentSubject } from "../../engine/index.js";
import { getDeployment } from "../../store/index.js";
import { deploymentTarget } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

/**
 * SSE stream of a deployment's events. Events come from the audit log (so every replica of
 * the control plane can serve any deployment's stream, and a reconnect with Last-Event-ID
 * resumes without gaps); the stream ends after the deployment reaches a terminal state.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "GET", path: "/api/v1/deployments/{id}/events", summary: "Server-sent events of one deployment", access: "viewer", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, request, reply }) => {
    const id = params.id!;
    await getDeployment(ctx.store.db, id); // 404 before the stream starts
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    let afterSeq = Number(request.headers["last-event-id"] ?? 0) || 0;
    let closed = false;
    request.raw.on("close", () => (closed = true));
    let lastWrite = Date.now();
    while (!closed) {
      const events = await listAuditEvents(ctx.store.db, { subject: deploymentSubject(id), afterSeq, limit: 500 });
      for (const e of events) {
        res.write(`id: ${e.seq}\nevent: ${e.action}\ndata: ${JSON.stringify({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, payload: e.payload })}\n\n`);
        afterSeq = e.seq;
        lastWrite = Date.now();
      }
      // Only the state is needed here: the full detail (steps, decisions, timeline) would be read every poll.
      const deployment = await getDeployment(ctx.store.db, id);
      if (isTerminal(deployment.state) && events.length === 0) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: deployment.state, error: deployment.error })}\n\n`);
        break;
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        res.write(": keep-alive\n\n");
        lastWrite = Date.now();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    res.end();
  });
}
