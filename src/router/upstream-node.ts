/**
 * node:http as the upstream client: a pooled keep-alive agent for requests whose body is
 * buffered, a fresh socket per request for streamed bodies (no stale-socket race). The answer
 * is piped by hand (stream.pipeline's abort signals cost more than the proxying itself).
 */
import { Agent, request } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Candidate } from "./balance.js";
import { endToEnd, forwardHeaders, rawHeader } from "./forward-headers.js";
import { statusClassOf } from "./stats.js";
import { mayRetry } from "./upstream.js";
import type { AttemptRoute, Body, Outcome, Upstream } from "./upstream.js";

function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(":");
  return { host: target.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(target.slice(at + 1)) };
}

/** node:http's agents; owns their sockets. */
export class NodeUpstream implements Upstream {
  // Below Node's default 5 s server keep-alive so we rarely reuse a socket the backend is closing.
  readonly #pooled = new Agent({ keepAlive: true, timeout: 4000 });
  readonly #fresh = new Agent({ keepAlive: false });

  retain(): void {
    // The agent drops idle sockets by itself after its timeout.
  }

  async close(): Promise<void> {
    this.#pooled.destroy();
    this.#fresh.destroy();
  }

  attempt(route: AttemptRoute, req: IncomingMessage, res: ServerResponse, body: Body, candidate: Candidate): Promise<Outcome> {
    // A client that left during an earlier attempt has no 'close' event left to tell us.
    if (res.destroyed) return Promise.resolve({ kind: "gone" });
    const method = req.method ?? "GET";
    const { host, port } = splitTarget(candidate.target);
    const headers = forwardHeaders(req, body);
    if (!body.complete && rawHeader(req.rawHeaders, "content-length") === undefined) headers.push("transfer-encoding", "chunked");
    const up = request({ host, port, method, path: req.url, headers, agent: body.complete ? this.#pooled : this.#fresh });
    return new Promise<Outcome>((resolve) => {
      let upstream: IncomingMessage | undefined;
      let status = 502;
      let streamed = false;
      let settled = false;
      const settle = (o: Outcome) => {
        if (settled) return;
        settled = true;
        res.off("close", onClientClose).off("finish", onFinish);
        resolve(o);
      };
      const onFinish = () => settle({ kind: "answered", status: statusClassOf(status) });
      const onClientClose = () => {
        if (res.writableFinished) return;
        if (upstream) {
          // The client left mid-answer: not a failure of the version; stop reading the backend
          // (after settling: destroying it reports 'aborted' at once, which would count an error).
          settle({ kind: "answered", status: statusClassOf(status) });
          upstream.destroy();
          return;
        }
        up.destroy();
        settle({ kind: "gone" });
      };
      res.on("close", onClientClose);
      up.on("error", (error: NodeJS.ErrnoException) => {
        if (upstream) return; // the answer's own error handler reports it
        settle({ kind: "failed", error, retryable: mayRetry({ code: error.code, method, body, streamed, reused: up.reusedSocket }) });
      });
      up.on("response", (upRes) => {
        upstream = upRes;
        status = upRes.statusCode ?? 502;
        const headers = endToEnd(upRes.rawHeaders);
        headers.push("x-slipway-version", candidate.version);
        if (route.closing()) headers.push("connection", "close");
        if (upRes.statusMessage) res.writeHead(status, upRes.statusMessage, headers);
        else res.writeHead(status, headers);
        res.on("finish", onFinish);
        // A backend that broke off mid-body failed the user: cut the client's answer short too.
        const broken = () => {
          if (res.writableFinished) return;
          res.destroy();
          settle({ kind: "answered", status: "error" });
        };
        upRes.on("error", broken).on("aborted", broken);
        upRes.pipe(res);
      });
      if (body.complete && body.chunks.length <= 1) up.end(body.chunks[0]);
      else {
        for (const chunk of body.chunks) up.write(chunk);
        if (body.complete) up.end();
      }
      if (body.complete) return;
      // Read more of the client's body only once a connection exists, so a refused connection
      // can still be retried elsewhere. Streamed bodies use a fresh socket: no stale-socket race.
      const stream = () => {
        streamed = true;
        req.pipe(up);
      };
      up.on("socket", (socket) => (socket.connecting ? socket.once("connect", stream) : stream()));
    });
  }
}
