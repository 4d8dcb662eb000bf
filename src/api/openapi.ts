import { z } from "zod";
import type { RouteDoc } from "./route-kit.js";

/** Builds the OpenAPI 3.1 document from the routes as registered, so it cannot drift from them. */
export function buildOpenApi(docs: RouteDoc[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const operation: Record<string, unknown> = {
      summary: doc.summary,
      security: doc.access === "public" ? [] : [{ bearer: [] }],
      "x-slipway-role": doc.access,
      parameters: [
        ...[...doc.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
        ...queryParameters(doc.query),
      ],
      responses: { "200": { description: "OK" }, "400": { description: "bad input" }, "401": { description: "no or bad token" }, "403": { description: "role too low" }, "404": { description: "not found" } },
    };
    if (doc.rawBody) operation.requestBody = { required: true, content: { [doc.rawBody]: { schema: { type: "string", description: "the document, taken byte for byte" } } } };
    if (doc.body) operation.requestBody = { required: true, content: { "application/json": { schema: z.toJSONSchema(doc.body, { io: "input", unrepresentable: "any" }) } } };
    (paths[doc.path] ??= {})[doc.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Slipway API", version: "1" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

function queryParameters(query: z.ZodType | undefined): unknown[] {
  if (!query) return [];
  const schema = z.toJSONSchema(query, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: s }));
}
