import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { badInput } from "../core/index.js";
import { authorize, forbidden, roleAtLeast, type Access, type Target } from "./auth.js";

/** What the OpenAPI document needs to know about a route. */
export interface RouteDoc {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Minimum role; "public" routes need no token. */
  access: Access;
  /**
   * What the request acts on, from its parsed input (e.g. the body's service and environment,
   * or the deployment a path id names). The token needs `access` on this target: a token
   * scoped to another service or environment gets a 403 naming the permission it lacks.
   * Without it the route acts on every service: scoped tokens may then only read (viewer).
   */
  scope?(input: ScopeInput<unknown, unknown>): Target | Promise<Target>;
  /** What the route does, for the 403 ("cannot approve: …"); default: the summary. */
  action?: string;
  /** The largest body this route reads, in bytes (default: the server's 10 MiB). */
  bodyLimit?: number;
  /** The route also accepts an SSE ticket in `?ticket=` instead of the bearer token (EventSource sends no headers). */
  ticket?: boolean;
  /** The body is a document taken as sent (its bytes matter: digests), not parsed with zod: its content type. */
  rawBody?: string;
}

/** The parsed input a route's `scope` sees. */
export interface ScopeInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
}

/** Every route registered through `route()`, for /api/v1/openapi.json. */
export const routeDocs: RouteDoc[] = [];

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Registers a route whose body and query are parsed with zod once, at the boundary: the
 * handler gets typed input; bad input is a 400 that names the field and what was wrong.
 */
export function route<B = undefined, Q = Record<string, never>>(
  app: FastifyInstance,
  doc: Omit<RouteDoc, "scope"> & { body?: z.ZodType<B>; query?: z.ZodType<Q>; scope?: (input: ScopeInput<B, Q>) => Target | Promise<Target> },
  handler: (input: RouteInput<B, Q>) => Promise<unknown>,
): void {
  routeDocs.push(doc as RouteDoc);
  const fastifyPath = doc.path.replace(/\{(\w+)\}/g, ":$1");
  const action = doc.action ?? actionOf(doc.summary);
  app.route({
    method: doc.method,
    url: fastifyPath,
    ...(doc.bodyLimit ? { bodyLimit: doc.bodyLimit } : {}),
    config: { access: doc.access, scopedByRoute: true, ticketAuth: doc.ticket === true },
    handler: async (request, reply) => {
      const params = request.params as Record<string, string>;
      let body: B;
      let query: Q;
      let target: Target = {};
      // A route that acts on every service needs nothing from the input to decide: refuse first,
      // so a token that may not call it never learns what was wrong with its input.
      if (!doc.scope && doc.access !== "public") authorize(request, { role: doc.access, action });
      // The same for a route whose path names the service: the path alone decides who may call it.
      if (doc.scope && doc.access !== "public" && params.service !== undefined) authorize(request, { role: doc.access, service: params.service, environment: null, action });
      try {
        body = doc.body ? parseWith(doc.body, request.body ?? {}, "body") : (undefined as B);
        query = doc.query ? parseWith(doc.query, request.query ?? {}, "query") : ({} as Q);
        if (doc.scope && doc.access !== "public") {
          const { service, environment } = await doc.scope({ body, query, params });
          target = { service, environment };
        }
      } catch (err) {
        // A token whose role is too low hears 403, not what was wrong with its input (or that an id does not exist).
        const principal = request.principal;
        if (doc.access !== "public" && principal && !roleAtLeast(principal.role, doc.access)) throw forbidden(principal, { role: doc.access, action });
        throw err;
      }
      if (doc.access !== "public") authorize(request, { role: doc.access, ...target, action });
      return handler({ body, query, params, request, reply });
    },
  });
}

/**
 * "Start a deployment of a pushed version (…)" → "start a deployment of a pushed version";
 * a summary that names a thing ("One deployment: …", "A pipeline run's log") → "read a
 * deployment", "read a pipeline run's log", so a 403 reads as a sentence.
 */
function actionOf(summary: string): string {
  const text = summary.replace(/\s*\(.*\)\s*$/, "").replace(/:.*$/, "").trim();
  const lower = text.charAt(0).toLowerCase() + text.slice(1);
  const noun = /^(one|a|an|the) (.*)$/.exec(lower);
  if (!noun) return lower;
  return `read ${noun[1] === "one" ? (/^[aeiou]/.test(noun[2]!) ? "an" : "a") : noun[1]} ${noun[2]}`;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${where}${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`);
  throw badInput(`invalid request ${where}: ${problems.join("; ")}`, {
    details: result.error.issues.map((i) => ({ path: [where, ...i.path].join("."), message: i.message })),
    hint: "see /api/v1/openapi.json for the expected shape",
  });
}
