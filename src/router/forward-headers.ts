/**
 * Header handling of the data plane, shared by both upstream clients: hop-by-hop headers are
 * dropped, X-Forwarded-* added. Headers are copied from the raw header arrays in one pass (the
 * parsed header objects are never built): this is the hot path.
 */
import type { IncomingMessage } from "node:http";
import type { Body } from "./upstream.js";

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** A header's value from a raw header array, by lower-case name (the first one). */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Every value of a header from a raw header array, joined as Node joins repeated headers. */
function rawHeaderAll(raw: readonly string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) out = out === undefined ? raw[i + 1] : `${out}, ${raw[i + 1]}`;
  }
  return out;
}

/** Names listed in a Connection header: hop-by-hop for this message too. */
function connectionNamed(raw: readonly string[]): string[] {
  const value = rawHeader(raw, "connection");
  if (value === undefined || value.toLowerCase() === "keep-alive" || value.toLowerCase() === "close") return [];
  return value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** Copies raw headers without hop-by-hop ones (and without `skip`), as a flat [name, value, …] array. */
export function endToEnd(raw: readonly string[], skip?: ReadonlySet<string>): string[] {
  const named = connectionNamed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || skip?.has(lower) || (named.length > 0 && named.includes(lower))) continue;
    out.push(name, raw[i + 1]!);
  }
  return out;
}

/** This hop answered any 100-continue (Node does) and holds the body; it sets x-forwarded-for and the length itself. */
const REQUEST_SKIP = new Set(["expect", "x-forwarded-for", "content-length"]);

/**
 * The headers sent upstream: the client's end-to-end ones, X-Forwarded-*, and the body's
 * length when it is known (a body of unknown length is left to the client to frame, chunked).
 */
export function forwardHeaders(req: IncomingMessage, body: Body): string[] {
  const raw = req.rawHeaders;
  const h = endToEnd(raw, REQUEST_SKIP);
  const ip = req.socket.remoteAddress ?? "";
  const prior = rawHeaderAll(raw, "x-forwarded-for");
  h.push("x-forwarded-for", prior ? `${prior}, ${ip}` : ip);
  const host = rawHeader(raw, "host");
  if (host !== undefined && rawHeader(raw, "x-forwarded-host") === undefined) h.push("x-forwarded-host", host);
  if (rawHeader(raw, "x-forwarded-proto") === undefined) h.push("x-forwarded-proto", "http");
  const length = rawHeader(raw, "content-length");
  if (body.complete && body.hasBody) h.push("content-length", String(body.length));
  else if (!body.complete && length !== undefined) h.push("content-length", length);
  return h;
}
