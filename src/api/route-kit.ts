import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { badInput } from "../core/index.js";

/** What the OpenAPI document needs to know about a route. */
export interface RouteDoc {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Minimum role; "public" routes need no token. */
  access: "public" | "viewer" | "deployer" | "admin";
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
  doc: RouteDoc & { body?: z.ZodType<B>; query?: z.ZodType<Q> },
  handler: (input: RouteInput<B, Q>) => Promise<unknown>,
): void {
  routeDocs.push(doc);
  const fastifyPath = doc.path.replace(/\{(\w+)\}/g, ":$1");
  app.route({
    method: doc.method,
    url: fastifyPath,
    config: { access: doc.access },
    handler: async (request, reply) => {
      const body = doc.body ? parseWith(doc.body, request.body ?? {}, "body") : (undefined as B);
      const query = doc.query ? parseWith(doc.query, request.query ?? {}, "query") : ({} as Q);
      return handler({ body, query, params: request.params as Record<string, string>, request, reply });
    },
  });
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
