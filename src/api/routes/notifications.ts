import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { listNotifications, retryNotification } from "../../notify/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const listQuery = z.strictObject({
  state: z.enum(["pending", "delivered", "dead"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The notification outbox: what was sent, what waits, and the dead-letter list with its retry. */
export function registerNotificationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "GET", path: "/api/v1/notifications", summary: "List notifications (newest first), optionally by state: pending, delivered, dead", query: listQuery, access: "viewer" }, async ({ query }) => ({
    notifications: await listNotifications(ctx.store, query),
  }));

  route(app, { method: "GET", path: "/api/v1/notifications/failed", summary: "The dead-letter list: notifications that ran out of attempts or were refused by their receiver", access: "viewer" }, async () => ({
    notifications: await listNotifications(ctx.store, { state: "dead", limit: 1000 }),
  }));

  route(app, { method: "POST", path: "/api/v1/notifications/{id}/retry", summary: "Send a dead notification again", access: "admin", action: "retry notifications" }, async ({ params, request }) => {
    const notification = await retryNotification(ctx.store, params.id!, ctx.clock);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "notification.retried", subject: `notification/${notification.id}`, payload: { destination: notification.destination, event: notification.event } }, ctx.clock);
    return { notification };
  });
}
