import { Readable } from "node:stream";
import { errorFromBody, SlipwayError, unavailable } from "../core/index.js";

/** How the CLI reaches the server: base URL and bearer token. */
export interface ApiTarget {
  server: string;
  token: string | undefined;
  /** When no token was found: where the CLI looked, for the error a 401 becomes. */
  tokenSearch?: string;
}

/** A JSON document sent byte for byte (attachments: their digest is over the exact text). */
export class JsonDocument {
  constructor(readonly text: string) {}
}

/**
 * Calls the Slipway API and returns its parsed JSON body, or throws the server's SlipwayError.
 * A Buffer body is sent as-is (application/gzip: artifact uploads), a JsonDocument as its text,
 * a stream is streamed as text/plain (logs of any size), anything else is sent as JSON.
 */
export async function apiRequest<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(`/api/v1${path}`, target.server);
  const raw = Buffer.isBuffer(body) || body instanceof JsonDocument;
  const stream = body instanceof Readable;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": body instanceof JsonDocument ? "application/json" : raw ? "application/gzip" : stream ? "text/plain" : "application/json" }),
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
      },
      body: body === undefined ? undefined : body instanceof JsonDocument ? body.text : raw ? (body as Buffer) : stream ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : JSON.stringify(body),
      ...(stream ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch (err) {
    throw unavailable(`cannot reach the Slipway server at ${target.server}`, {
      cause: err,
      hint: "start it with `slipway server` (or `npm start`), or point --server / SLIPWAY_SERVER at a running one",
    });
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw withTokenSearch(errorFromBody(response.status, parsed), response.status, target);
  return parsed as T;
}

/** A 401 to a request sent without a token says where the CLI looked for one. */
function withTokenSearch(err: SlipwayError, status: number, target: ApiTarget): SlipwayError {
  if (status !== 401 || target.token !== undefined || target.tokenSearch === undefined) return err;
  return new SlipwayError(err.code, `${err.message} (no token was sent: ${target.tokenSearch})`, {
    hint: "pass --token or set SLIPWAY_TOKEN, run the command inside the directory the server was started in (its .slipway/), or set SLIPWAY_DATA to the data directory",
    ...(err.details === undefined ? {} : { details: err.details }),
  });
}
