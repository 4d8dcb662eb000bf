import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * A port that is free right now on `host`, chosen by the kernel. Another process can take it
 * before the caller binds it; callers that must be sure retry on EADDRINUSE.
 */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not read a free port on ${host}`))));
    });
  });
}

/** The kernel's range for ports it picks by itself (outgoing connections, port 0), from /proc on Linux. */
export function ephemeralPortRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high)) return { low, high };
  } catch {
    // Not Linux: the IANA dynamic range is what most systems use.
  }
  return { low: 49152, high: 65535 };
}

/** Whether `port` can be listened on at `host` right now. */
function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Where listening ports are chosen from when the kernel's own range is to be avoided. */
const LISTEN_RANGE_LOW = 10_000;

/**
 * A free port for a server that binds it later, chosen below the kernel's ephemeral range:
 * a port from that range can meanwhile become the local port of any outgoing connection on
 * the machine, and the server then fails with EADDRINUSE. Random, and never one in `exclude`,
 * so callers placing many servers at once rarely pick the same. Falls back to the kernel's
 * choice when there is no room below its range.
 */
export async function findListenPort(host: string, exclude: ReadonlySet<number> = new Set()): Promise<number> {
  const { low } = ephemeralPortRange();
  const span = low - LISTEN_RANGE_LOW;
  if (span < 1_000) return findFreePort(host);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LISTEN_RANGE_LOW + Math.floor(Math.random() * span);
    if (!exclude.has(port) && (await isPortFree(host, port))) return port;
  }
  return findFreePort(host);
}
