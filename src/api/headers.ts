import type { FastifyInstance } from "fastify";
import { MAX_URL_LENGTH } from "./errors.js";

/** For the web UI's pages: only this origin's scripts, styles, images and API; no framing, no plugins. */
export const HTML_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Security headers on every response: no MIME sniffing; API answers are never cached (they
 * carry tokens, e.g. a created token, and state that goes stale); HTML gets a strict CSP.
 * Also refuses over-long URLs (414) before any routing work.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.length <= MAX_URL_LENGTH) return;
    return reply.status(414).send({ error: { code: "bad_input", message: `the URL is ${request.url.length} characters long, more than the ${MAX_URL_LENGTH} this API reads`, hint: "put large input in the request body, not the URL" } });
  });
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("text/html")) {
      reply.header("content-security-policy", HTML_CSP);
      reply.header("x-frame-options", "DENY");
      reply.header("referrer-policy", "no-referrer");
    }
    return payload;
  });
}
