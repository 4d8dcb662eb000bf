/** Helpers for router tests and benchmarks: small real backends and a plain HTTP client. */
import { createServer, request } from "node:http";
import type { Agent, IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A backend answering on 127.0.0.1: `/status/NNN`, `/echo` (body and headers back), `/hold`, else 200. */
export interface TestBackend {
  name: string;
  /** "127.0.0.1:PORT" */
  target: string;
  server: Server;
  hits: number;
  /** Requests to `/hold` wait until this is called; resolves the promise `held` returns. */
  release(): void;
  /** Resolves when a `/hold` request has arrived. */
  held(): Promise<void>;
  /** Closes the server at once, cutting open connections (a crashed replica). */
  kill(): Promise<void>;
}

/** Starts a backend named `name` on an ephemeral port. */
export async function startBackend(name: string): Promise<TestBackend> {
  let releaseHold: () => void = () => undefined;
  let holdArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (holdArrived = resolve));
  const gate = new Promise<void>((resolve) => (releaseHold = resolve));
  const backend: TestBackend = {
    name,
    target: "",
    server: createServer((req, res) => {
      backend.hits += 1;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = req.url ?? "/";
        const status = /^\/status\/(\d{3})/.exec(url);
        const send = (code: number, body: string) => res.writeHead(code, { "x-backend": name, "content-type": "text/plain" }).end(body);
        if (status) return send(Number(status[1]), name);
        if (url.startsWith("/echo")) {
          const body = Buffer.concat(chunks);
          return send(200, JSON.stringify({ name, method: req.method, headers: req.headers, length: body.length, sum: checksum(body) }));
        }
        if (url.startsWith("/hold")) {
          holdArrived();
          return void gate.then(() => send(200, name));
        }
        send(200, name);
      });
    }),
    hits: 0,
    release: () => releaseHold(),
    held: () => arrived,
    kill: () =>
      new Promise((resolve) => {
        backend.server.close(() => resolve());
        backend.server.closeAllConnections();
      }),
  };
  await new Promise<void>((resolve) => backend.server.listen(0, "127.0.0.1", resolve));
  backend.target = `127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  return backend;
}

/** A cheap checksum so tests can compare large bodies without echoing them. */
export function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum * 31 + byte) >>> 0;
  return sum;
}

/** A port that was free a moment ago (bind 0, read, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A whole HTTP answer. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request to 127.0.0.1:`port`; rejects only on a connection-level failure. */
export function call(port: number, path = "/", options: { method?: string; body?: Buffer | string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
