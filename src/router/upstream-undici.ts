/**
 * undici as the upstream client: one keep-alive Pool per target, one request per connection at
 * a time, bodies streamed both ways through undici's dispatch API (nothing buffered beyond the
 * replayable start of a request body). Pools of targets no route names any more are closed
 * once their requests in flight finish.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { Pool } from "undici";
import type { Dispatcher } from "undici";
import type { Candidate } from "./balance.js";
import { endToEnd, forwardHeaders } from "./forward-headers.js";
import { bodyStream } from "./request-body.js";
import { statusClassOf } from "./stats.js";
import { mayRetry } from "./upstream.js";
import type { AttemptRoute, Body, Outcome, Upstream } from "./upstream.js";

const POOL_OPTIONS: Pool.Options = {
  // A bound so a burst queues instead of opening thousands of sockets; high enough that long
  // polls and event streams do not starve other requests to the same replica.
  connections: 512,
  pipelining: 1,
  // Below Node's default 5 s server keep-alive so we rarely reuse a socket the backend is closing.
  keepAliveTimeout: 4000,
  // The router never cut a slow backend short (long polls, event streams): no header or body timeout.
  headersTimeout: 0,
  bodyTimeout: 0,
};

const CLIENT_LEFT = new Error("the client closed the connection");

/** Headers of undici's parsed answer as a flat array, hop-by-hop ones dropped. */
function answerHeaders(parsed: IncomingHttpHeaders): string[] {
  const flat: string[] = [];
  for (const name in parsed) {
    const value = parsed[name];
    if (Array.isArray(value)) for (const v of value) flat.push(name, v);
    else if (value !== undefined) flat.push(name, value);
  }
  return endToEnd(flat);
}

/**
 * Whether the connection had served earlier answers. undici does not say; a closed socket's
 * error carries its byte counts, and with one request per connection at a time, bytes read
 * before our answer began belong to earlier answers. Only when the error carries no socket is a
 * reset or broken pipe taken as that race: on a fresh connection it may be a backend that died
 * mid-request, and resending a POST there could do it twice.
 */
function wasReused(error: Error & { code?: string; socket?: { bytesRead?: number } }): boolean {
  if (error.socket?.bytesRead !== undefined) return error.socket.bytesRead > 0;
  return error.code === "ECONNRESET" || error.code === "EPIPE";
}

/** undici pools by target; owns their connections. */
export class UndiciUpstream implements Upstream {
  readonly #pools = new Map<string, Pool>();
  /** Pools of dropped targets, closing once their requests finish. */
  readonly #closing = new Set<Pool>();

  #pool(target: string): Pool {
    let pool = this.#pools.get(target);
    if (!pool) this.#pools.set(target, (pool = new Pool(`http://${target}`, POOL_OPTIONS)));
    return pool;
  }

  /**
   * A request that planned a dropped target before the change (a fallback) opens a new pool for
   * it, dropped again at the next change.
   */
  retain(targets: ReadonlySet<string>): void {
    for (const [target, pool] of this.#pools) {
      if (targets.has(target)) continue;
      this.#pools.delete(target);
      this.#closing.add(pool);
      // close() lets queued and running requests finish first; it rejects only when close()
      // below destroyed the pool meanwhile, which is the point of destroying it.
      const forget = () => void this.#closing.delete(pool);
      pool.close().then(forget, forget);
    }
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values(), ...this.#closing];
    this.#pools.clear();
    await Promise.all(all.map((pool) => pool.destroy()));
  }

  attempt(route: AttemptRoute, req: IncomingMessage, res: ServerResponse, body: Body, candidate: Candidate): Promise<Outcome> {
    // A client that left during an earlier attempt has no 'close' event left to tell us.
    if (res.destroyed) return Promise.resolve({ kind: "gone" });
    const method = req.method ?? "GET";
    return new Promise<Outcome>((resolve) => {
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
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
        // A client that left mid-answer is not a failure of the version.
        settle(status ? { kind: "answered", status: statusClassOf(status) } : { kind: "gone" });
        controller?.abort(CLIENT_LEFT);
      };
      const resume = () => controller?.resume();
      res.on("close", onClientClose);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(CLIENT_LEFT); // the client left while the request waited for a connection
        },
        onResponseStart(_c, statusCode, headers, statusMessage) {
          if (statusCode < 200) return; // informational (103 Early Hints): not relayed, as node:http does not
          status = statusCode;
          const out = answerHeaders(headers);
          out.push("x-slipway-version", candidate.version);
          if (route.closing()) out.push("connection", "close");
          if (statusMessage) res.writeHead(status, statusMessage, out);
          else res.writeHead(status, out);
          res.on("finish", onFinish);
        },
        onResponseData(c, chunk) {
          if (res.write(chunk)) return;
          c.pause();
          res.once("drain", resume);
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError(_c, error: Error & { code?: string }) {
          if (settled) return;
          if (!status) {
            settle({ kind: "failed", error, retryable: mayRetry({ code: error.code, method, body, streamed, reused: wasReused(error) }) });
            return;
          }
          // A backend that broke off mid-body failed the user: cut the client's answer short too.
          res.destroy();
          settle({ kind: "answered", status: "error" });
        },
      };
      const payload = !body.hasBody ? null : !body.complete ? bodyStream(req, body, () => (streamed = true)) : body.chunks.length === 1 ? body.chunks[0]! : Buffer.concat(body.chunks);
      this.#pool(candidate.target).dispatch({ path: req.url ?? "/", method: method as Dispatcher.HttpMethod, headers: forwardHeaders(req, body), body: payload }, handler);
    });
  }
}
