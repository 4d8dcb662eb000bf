import type { FastifyError, FastifyInstance } from "fastify";
import { httpStatusOf, isSlipwayError } from "../core/index.js";

/** The one error body shape: `{ error: { code, message, hint, details } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isSlipwayError(err)) {
      const status = httpStatusOf(err);
      if (status >= 500) request.log.error({ err }, "request failed");
      return reply.status(status).send({ error: { code: err.code, message: err.message, hint: err.hint, details: err.details } });
    }
    // Fastify's own 4xx (malformed JSON, body too large, unsupported media type).
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: "bad_input", message: err.message, hint: "send a JSON body with content-type: application/json" } });
    }
    request.log.error({ err }, "unexpected error");
    return reply.status(500).send({ error: { code: "internal", message: "internal error; the server log has the details" } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}`, hint: "see /api/v1/openapi.json" } }),
  );
}
