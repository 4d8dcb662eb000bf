/** Small HTTP helpers shared by the data plane and the admin API. */
import type { Server, ServerResponse } from "node:http";

/** Answers with a JSON body; `close` asks the client not to reuse the connection. */
export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(text);
}

/**
 * Stops accepting connections, lets requests in flight finish, and closes keep-alive
 * connections as they go idle; after `graceMs` the rest are cut so shutdown stays bounded.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    // Idle keep-alive sockets would otherwise hold close() open for keepAliveTimeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
