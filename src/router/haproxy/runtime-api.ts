import { createConnection } from "node:net";
import { unavailable } from "../../core/errors.js";

/** Time one Runtime API command may take. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Sends one command to HAProxy's Runtime API (the admin `stats socket`) and returns its answer.
 * One connection per command, as in HAProxy's non-interactive mode: it answers, then closes.
 */
export function runtimeCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let answer = "";
    const timer = setTimeout(() => conn.destroy(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
    conn.setEncoding("utf8");
    conn.on("connect", () => conn.end(`${command}\n`));
    conn.on("data", (chunk: string) => (answer += chunk));
    conn.on("error", (err) => {
      clearTimeout(timer);
      reject(
        unavailable(`HAProxy's Runtime API at ${socket} did not answer "${command.split(" ").slice(0, 2).join(" ")}": ${err.message}`, {
          hint: "check that HAProxy runs and its config has `stats socket <path> level admin` with that path in target.balancer.haproxy.socket",
        }),
      );
    });
    conn.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Parses a `show stat` / `show servers state`-style table: a "# a b c" header, then rows. */
export function parseTable(text: string, separator: RegExp): Record<string, string>[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.find((l) => l.startsWith("# "));
  if (!header) return [];
  const names = header.slice(2).split(separator);
  return lines
    .filter((l) => !l.startsWith("#") && /\S/.test(l))
    .map((l) => {
      const cells = l.split(separator);
      return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
    });
}
