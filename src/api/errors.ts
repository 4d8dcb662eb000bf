import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { httpStatusOf, isSlipwayError } from "../core/index.js";
import { formatBytes } from "../supply/index.js";

interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
  details?: unknown;
}

/** Fastify's own 4xx, by status: the code of the documented shape and what would fix it. */
const FRAMEWORK_4XX: Record<number, { code: string; hint: string }> = {
  400: { code: "bad_input", hint: "send a JSON body with content-type: application/json" },
  413: { code: "too_large", hint: "send the document itself; real ones are far smaller" },
  414: { code: "bad_input", hint: "put large input in the request body, not the URL" },
  415: { code: "bad_input", hint: "send JSON with content-type: application/json (artifacts: application/gzip)" },
};

/**
 * The one error body shape, `{ error: { code, message, hint, details } }`, for every error:
 * Slipway's own, Fastify's (bad JSON, body too large, unsupported media type), and unknown
 * routes. Messages never carry the server's own file paths (the data directory with its
 * uploads and temp files, the install directory): they are replaced with a placeholder.
 */
export function installErrorHandler(app: FastifyInstance, hiddenPaths: readonly string[] = []): void {
  const scrub = pathScrubber(hiddenPaths);
  const send = (reply: FastifyReply, status: number, body: ErrorBody) =>
    reply.status(status).send({ error: { ...body, message: scrub(body.message), ...(body.hint ? { hint: scrub(body.hint) } : {}) } });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isSlipwayError(err)) {
      const status = httpStatusOf(err);
      if (status >= 500) request.log.error({ err }, "request failed");
      return send(reply, status, { code: err.code, message: err.message, hint: err.hint, details: err.details });
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const limit = request.routeOptions.bodyLimit;
      return send(reply, 413, { code: "too_large", message: `the request body is larger than this route accepts${limit ? ` (${formatBytes(limit)})` : ""}`, hint: FRAMEWORK_4XX[413]!.hint });
    }
    if (err.statusCode && err.statusCode < 500) {
      const known = FRAMEWORK_4XX[err.statusCode] ?? { code: "bad_input", hint: "see /api/v1/openapi.json for what this route takes" };
      return send(reply, err.statusCode, { code: known.code, message: sentence(err.message), hint: known.hint });
    }
    request.log.error({ err }, "unexpected error");
    return send(reply, 500, { code: "internal", message: "internal error; the server log has the details" });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, { code: "not_found", message: `no route ${request.method} ${clipUrl(request.url)}`, hint: "see /api/v1/openapi.json" }),
  );
}

/**
 * Fastify's option `frameworkErrors`: errors its router meets before any handler (a malformed
 * URL, a path segment over its length limit), in the documented shape too.
 */
export function frameworkError(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  const tooLong = err.code === "FST_ERR_MAX_PARAM_LENGTH";
  void reply.status(tooLong ? 414 : (err.statusCode ?? 400)).send({
    error: {
      code: "bad_input",
      message: tooLong ? `a part of the URL is longer than the ${MAX_PARAM_LENGTH} characters this API reads there` : "the URL is malformed",
      hint: tooLong ? "names, versions and ids are short; check the URL" : "encode the URL (percent-encoding) and try again",
    },
  });
}

/** Longest path segment (a name, version, id or digest) the router reads. */
export const MAX_PARAM_LENGTH = 256;

/** The longest URL the API reads; longer ones are refused (414) before routing. */
export const MAX_URL_LENGTH = 8192;

/** Fastify's messages start with a capital and end without a full stop; ours are lower-case clauses. */
function sentence(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function clipUrl(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

/** Replaces each of `paths` (and anything below it) in a message with `<server path>`. */
export function pathScrubber(paths: readonly string[]): (text: string) => string {
  const roots = [...new Set(paths.filter((p) => p.length > 1))].sort((a, b) => b.length - a.length);
  if (roots.length === 0) return (text) => text;
  const escaped = roots.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?:${escaped.join("|")})[^\\s"'),;]*`, "g");
  return (text) => text.replace(pattern, "<server path>");
}
