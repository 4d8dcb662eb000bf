/**
 * wrk as the load generator (a separate process, pinned to the side core): as fast as it can
 * for throughput, or paced (a fixed pause between each connection's requests, wrk's `delay()`)
 * for latency at a given rate. A small Lua `done()` prints what wrk's summary leaves out (p99.9,
 * error counts by kind) on one line.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SIDE_CORE } from "./processes.js";

const REPORT = `function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
`;
const PACED = `local pause = 10
function init(args) pause = tonumber(args[1]) end
function delay() return pause end
${REPORT}`;

export interface WrkResult {
  requests: number;
  seconds: number;
  rate: number;
  /** Connection, read, write errors and timeouts. */
  socketErrors: number;
  /** Answers other than 2xx/3xx. */
  badStatus: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  p999: number;
}

export async function writeScripts(dir: string): Promise<{ saturate: string; paced: string }> {
  const saturate = join(dir, "saturate.lua");
  const paced = join(dir, "paced.lua");
  await writeFile(saturate, REPORT);
  await writeFile(paced, PACED);
  return { saturate, paced };
}

function wrk(args: string[]): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", SIDE_CORE, "wrk", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = /^RESULT (.+)$/m.exec(out);
      if (code !== 0 || !line) return reject(new Error(`wrk ${args.join(" ")} exited ${code}:\n${out}`));
      const [requests, durationUs, connect, read, write, status, timeout, p50, p99, p999] = line[1]!.split(" ").map(Number) as number[];
      const seconds = durationUs! / 1e6;
      resolve({
        requests: requests!,
        seconds,
        rate: requests! / seconds,
        socketErrors: connect! + read! + write! + timeout!,
        badStatus: status!,
        p50: p50! / 1000,
        p99: p99! / 1000,
        p999: p999! / 1000,
      });
    });
  });
}

/** As many requests as `connections` keep-alive connections can push for `seconds`. */
export function saturate(script: string, url: string, seconds: number, connections = 64): Promise<WrkResult> {
  return wrk(["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", script, url]);
}

/** About `rate` requests per second: each of `connections` connections pauses between its requests. */
export function paced(script: string, url: string, seconds: number, rate: number): Promise<WrkResult> {
  const connections = Math.max(1, Math.round(rate / 100));
  const pauseMs = Math.round((1000 * connections) / rate);
  return wrk(["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", script, url, "--", String(pauseMs)]);
}
