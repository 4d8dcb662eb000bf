/**
 * The web dashboard (built by Vite into dist/web) served at `/`: hashed assets cached for good,
 * index.html for every other path without a file extension (deep links into the single-page
 * app survive a reload), and a strict Content-Security-Policy on everything it serves: scripts,
 * styles and connections from this origin only, no inline code, no framing.
 */
import { existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header("content-security-policy", WEB_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY");
}

export async function registerWebUi(app: FastifyInstance, webDir: string | undefined): Promise<void> {
  const root = webDir && existsSync(join(webDir, "index.html")) ? webDir : undefined;
  if (root) await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  app.get("/*", { config: { access: "public" } }, async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    } catch {
      return reply.status(400).send({ error: { code: "bad_input", message: "the path is not valid URL encoding", hint: "check the link" } });
    }
    if (path.startsWith("/api/")) {
      return reply.status(404).send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}`, hint: "see /api/v1/openapi.json" } });
    }
    if (!root) {
      return reply.status(404).send({ error: { code: "not_found", message: "the web dashboard is not built", hint: "run `npm run build` (it builds dist/web)" } });
    }
    const file = normalize(path).replace(/^\/+/, "");
    const isFile = file !== "" && !file.includes("..") && existsSync(join(root, file)) && statSync(join(root, file)).isFile();
    if (isFile) {
      const immutable = file.startsWith("assets/");
      return secure(reply).sendFile(file, { maxAge: immutable ? "365d" : 0, immutable, cacheControl: true });
    }
    // A missing asset is a 404; any other path is a page of the app.
    if (/\.[a-z0-9]+$/i.test(file)) return reply.status(404).send({ error: { code: "not_found", message: `no file ${path}`, hint: "reload the dashboard: it may have been rebuilt" } });
    return secure(reply).header("cache-control", "no-cache").sendFile("index.html", { cacheControl: false });
  });
}
