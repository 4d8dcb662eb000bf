import { createServer, type Server } from "node:http";

/**
 * A stand-in for Slack or a webhook receiver in tests: a real HTTP server on 127.0.0.1 that
 * records every request and answers what the test says (down with a status, or up).
 */
export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered. */
  status: number;
}

export interface TestReceiver {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The status to answer for a request; default 200. */
  answer: (req: { path: string; body: string; headers: Record<string, string> }) => number;
  /** Bodies answered 2xx, by Slipway-Delivery id. */
  accepted(): Map<string, RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<TestReceiver> {
  const receiver: TestReceiver = {
    url: "",
    port: 0,
    requests: [],
    answer: () => 200,
    accepted() {
      const out = new Map<string, RecordedRequest[]>();
      for (const r of receiver.requests) {
        if (r.status < 200 || r.status > 299) continue;
        const id = r.headers["slipway-delivery"] ?? "";
        out.set(id, [...(out.get(id) ?? []), r]);
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const status = receiver.answer({ path, body, headers });
      receiver.requests.push({ path, headers, body, status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "down");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  receiver.port = typeof address === "object" && address ? address.port : port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}
