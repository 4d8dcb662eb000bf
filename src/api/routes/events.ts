import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { listAuditEvents, type AuditEvent } from "../../audit/index.js";
import { DEPLOYMENT_STATES, isTerminal, type DeploymentState } from "../../core/index.js";
import { deploymentSubject } from "../../engine/index.js";
import { getDeployment } from "../../store/index.js";
import { deploymentTarget } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";
import { issueTicket } from "../sse-ticket.js";

const KEEPALIVE_MS = 15_000;
const eventsQuery = z.object({ ticket: z.string().max(2000).optional(), after: z.coerce.number().int().min(0).optional() });
const CATCH_UP_PAGE = 500;

/**
 * SSE stream of a deployment's events: its audit events, pushed as the audit feed sees them
 * appended (on PostgreSQL, by any instance of the control plane). A client that reconnects with
 * Last-Event-ID first gets what it missed, read from the log, then the live events; the stream
 * ends after the deployment reaches a terminal state.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/deployments/{id}/events/ticket", summary: "A 60-second ticket to follow a deployment's events from a browser (EventSource sends no headers)", access: "viewer", action: "follow a deployment", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, request }) =>
    issueTicket(ctx.store, ctx.clock, request.principal!, params.id!),
  );

  route(app, { method: "GET", path: "/api/v1/deployments/{id}/events", summary: "Server-sent events of one deployment (token, or ?ticket= from the ticket route; ?after=SEQ resumes like Last-Event-ID)", query: eventsQuery, access: "viewer", ticket: true, scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, query, request, reply }) => {
    const id = params.id!;
    await getDeployment(ctx.store.db, id); // 404 before the stream starts
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    const stream = new DeploymentStream(res, Number(request.headers["last-event-id"] ?? 0) || query.after || 0);
    const subject = deploymentSubject(id);
    // Follow first, then catch up: an event appended in between is in one or the other (or both; sent once).
    const unfollow = ctx.feed.follow({ subject }, (e) => stream.live(e));
    const keepalive = setInterval(() => stream.keepalive(), KEEPALIVE_MS);
    const finish = () => {
      unfollow();
      clearInterval(keepalive);
      stream.close();
    };
    request.raw.on("close", finish);
    stream.onEnd = async () => {
      const d = await getDeployment(ctx.store.db, id);
      stream.end(d.state, d.error);
      finish();
    };
    try {
      for (;;) {
        const page = await listAuditEvents(ctx.store.db, { subject, afterSeq: stream.lastSeq, limit: CATCH_UP_PAGE });
        stream.caughtUp(page);
        if (page.length < CATCH_UP_PAGE) break;
      }
      stream.goLive();
      // A client that saw the end already (or a deployment that ended before it connected).
      if (!stream.ended && isTerminal((await getDeployment(ctx.store.db, id)).state)) await stream.onEnd();
    } catch (err) {
      ctx.log.error({ err, deployment: id }, "event stream failed");
      finish();
    }
  });
}

const TERMINAL_ACTIONS = new Set(DEPLOYMENT_STATES.filter(isTerminal).map((s) => `deployment.${s}`));

/** One client's stream: sends each event once, in seq order; live events wait until the catch-up is done. */
class DeploymentStream {
  private pending: AuditEvent[] = [];
  private isLive = false;
  ended = false;
  onEnd: () => Promise<void> = async () => {};

  constructor(
    private readonly res: ServerResponse,
    public lastSeq: number,
  ) {}

  caughtUp(events: AuditEvent[]): void {
    for (const e of events) this.send(e);
  }

  live(e: AuditEvent): void {
    if (this.isLive) this.send(e);
    else this.pending.push(e);
  }

  goLive(): void {
    this.isLive = true;
    const pending = this.pending;
    this.pending = [];
    for (const e of pending) this.send(e);
  }

  keepalive(): void {
    if (!this.res.writableEnded) this.res.write(": keep-alive\n\n");
  }

  end(state: DeploymentState, error: string | null): void {
    if (this.res.writableEnded) return;
    this.res.write(`event: end\ndata: ${JSON.stringify({ state, error })}\n\n`);
  }

  close(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  private send(e: AuditEvent): void {
    if (e.seq <= this.lastSeq || this.ended || this.res.writableEnded) return;
    this.res.write(`id: ${e.seq}\nevent: ${e.action}\ndata: ${JSON.stringify({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, payload: e.payload })}\n\n`);
    this.lastSeq = e.seq;
    if (TERMINAL_ACTIONS.has(e.action)) {
      this.ended = true;
      void this.onEnd();
    }
  }
}
