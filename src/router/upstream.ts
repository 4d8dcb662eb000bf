/**
 * The upstream side of the data plane: what one attempt to send a request to one target needs
 * and returns, whichever HTTP client sends it, and the rule for when a failed attempt may be
 * sent again elsewhere.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Candidate } from "./balance.js";
import type { StatusClass } from "./stats.js";

/** Which HTTP client talks to the backends: undici's pools (the default) or node:http's agents. */
export type UpstreamKind = "undici" | "node";
export const UPSTREAM_KINDS: readonly UpstreamKind[] = ["undici", "node"];

/** The start of a request's body, read before the first attempt so it can be replayed. */
export interface Body {
  chunks: Buffer[];
  /** The whole body is in `chunks`: the request can be sent again. */
  complete: boolean;
  hasBody: boolean;
  length: number;
}

/** How one attempt ended: an answer relayed (or cut), a failure, or a client that left first. */
export type Outcome =
  | { kind: "answered"; status: StatusClass }
  | { kind: "failed"; error: Error; retryable: boolean }
  | { kind: "gone" };

/** What an attempt needs to know about its route. */
export interface AttemptRoute {
  /** True while the listener shuts down: the answer then asks the client to close the connection. */
  closing(): boolean;
}

/** An HTTP client for the backends; owns its connections. */
export interface Upstream {
  /** Sends the request to one candidate; resolves once the answer is fully relayed or the attempt failed. */
  attempt(route: AttemptRoute, req: IncomingMessage, res: ServerResponse, body: Body, candidate: Candidate): Promise<Outcome>;
  /** Lets go of connections to targets no route names any more, once their requests finish. */
  retain(targets: ReadonlySet<string>): void;
  /** Closes every connection (after the listeners closed: nothing is in flight). */
  close(): Promise<void>;
}

/** Errors that mean no connection was made: nothing reached the backend, any request may be retried. */
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ECONNABORTED", "UND_ERR_CONNECT_TIMEOUT"]);
/** Methods that may be resent after the backend may have seen them (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** What is known about a failed attempt that had no answer yet. */
export interface Failure {
  code: string | undefined;
  method: string;
  body: Body;
  /** Part of the client's body beyond the buffer was sent: it cannot be sent again. */
  streamed: boolean;
  /** The connection had served earlier requests: the backend may have closed it as we wrote. */
  reused: boolean;
}

/** Whether a failed attempt may be sent to another target. */
export function mayRetry(f: Failure): boolean {
  if (f.streamed) return false;
  if (!f.body.complete) return true; // nothing beyond the buffer was read, the connection never opened
  if (f.code !== undefined && CONNECT_ERRORS.has(f.code)) return true;
  // A reused keep-alive socket the backend closed as we wrote: the classic race, safe to resend.
  if (f.reused) return true;
  return IDEMPOTENT.has(f.method);
}
