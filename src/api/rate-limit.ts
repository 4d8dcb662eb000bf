import type { FastifyInstance } from "fastify";
import { SlipwayError } from "../core/index.js";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per API token: `burst` requests at once, refilled at `perSecond`. A token
 * past its bucket hears 429 with Retry-After (the documented error shape), so one client
 * cannot starve the others. Requests without a token (health, CI webhooks) are not counted.
 */
export function installRateLimit(app: FastifyInstance, options: { perSecond: number; burst: number; now?: () => number }): void {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  // Idle buckets are full again after burst / perSecond seconds; forget them then.
  const idleMs = (options.burst / options.perSecond) * 1000;
  const sweep = setInterval(() => {
    const t = now();
    for (const [id, b] of buckets) if (t - b.at > idleMs) buckets.delete(id);
  }, Math.max(1000, idleMs));
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));
  // Installed after auth, so it runs once the principal is known, and before the body is read.
  app.addHook("onRequest", async (request, reply) => {
    const id = request.principal?.tokenId;
    if (!id) return;
    const t = now();
    const bucket = buckets.get(id) ?? { tokens: options.burst, at: t };
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond);
    bucket.at = t;
    buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond));
    reply.header("retry-after", String(retryAfter));
    throw new SlipwayError("rate_limited", `token "${request.principal!.name}" sent more than ${options.perSecond} requests a second (bursts up to ${options.burst})`, {
      hint: `wait ${retryAfter} s (Retry-After) and send fewer requests at once`,
    });
  });
}
