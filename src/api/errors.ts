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
    // A body over the route's limit is bad input like any other (400), and says what the limit is.
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const limit = request.routeOptions.bodyLimit;
      return reply.status(400).send({ error: { code: "bad_input", message: `the request body is larger than this route accepts${limit ? ` (${formatBytes(limit)})` : ""}`, hint: "send the document itself; real ones are far smaller" } });
    }
    // Fastify's own 4xx (malformed JSON, unsupported media type).
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

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${Math.round(n / 1024)} KiB`;
}
