import { execFile } from "node:child_process";
import { failed } from "../core/errors.js";
import type { VersionStats } from "../core/index.js";
import type { Route, RouterControl } from "./types.js";

/** Time one call of the balancer script may take. */
const SCRIPT_TIMEOUT_MS = 60_000;

/**
 * Traffic control by a team's own script, for any balancer Slipway does not drive itself (a
 * cloud load balancer's API, an nginx reload). The script runs through /bin/sh -c with:
 *
 *   SLIPWAY_ACTION        set-route | drain | stats | remove-route
 *   SLIPWAY_ROUTE_KEY     service/environment
 *   SLIPWAY_WEIGHTS_JSON  set-route: [{ version, weight, servers: [{ host, port, weight }] }]
 *                         (each version's share spread over its servers, 0..100 in all)
 *   SLIPWAY_ROUTE_JSON    set-route: the whole route as Slipway holds it
 *   SLIPWAY_VERSION       drain: the version to drain
 *   SLIPWAY_TIMEOUT_MS    drain: how long draining may take
 *
 * Exit 0 is done (for drain: drained; 1: not drained in time). `stats` may print a JSON array
 * of per-version counters (`VersionStats`) for analysis; printing nothing means "no counters".
 */
export class ScriptBalancer implements RouterControl {
  constructor(private readonly command: string) {}

  async setRoute(route: Route): Promise<void> {
    const weights = route.backends.map((b) => ({
      version: b.version,
      weight: b.weight,
      servers: b.targets.map((t) => ({ ...splitAddress(t), weight: b.targets.length === 0 ? 0 : b.weight / b.targets.length })),
    }));
    await this.call("set-route", { SLIPWAY_ROUTE_KEY: route.key, SLIPWAY_WEIGHTS_JSON: JSON.stringify(weights), SLIPWAY_ROUTE_JSON: JSON.stringify(route) });
  }

  async removeRoute(key: string): Promise<void> {
    await this.call("remove-route", { SLIPWAY_ROUTE_KEY: key });
  }

  listRoutes(): Promise<Route[]> {
    return Promise.resolve([]);
  }

  async getStats(key: string): Promise<VersionStats[]> {
    const out = (await this.call("stats", { SLIPWAY_ROUTE_KEY: key })).trim();
    if (out === "") return [];
    try {
      return JSON.parse(out) as VersionStats[];
    } catch {
      throw failed(`the balancer script's stats are not JSON: ${out.slice(0, 200)}`, { hint: "print a JSON array of { version, requests, statusClasses, latencyBuckets }, or nothing" });
    }
  }

  async drain(key: string, version: string, timeoutMs: number): Promise<boolean> {
    try {
      await this.call("drain", { SLIPWAY_ROUTE_KEY: key, SLIPWAY_VERSION: version, SLIPWAY_TIMEOUT_MS: String(timeoutMs) }, timeoutMs + SCRIPT_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }

  private call(action: string, env: Record<string, string>, timeoutMs = SCRIPT_TIMEOUT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("/bin/sh", ["-c", this.command], { env: { ...process.env, SLIPWAY_ACTION: action, ...env }, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        reject(
          failed(`the balancer script failed on ${action}: ${String(stderr).trim().split("\n").pop() || err.message}`, {
            hint: `run it by hand with SLIPWAY_ACTION=${action} to see why: ${this.command}`,
          }),
        );
      });
    });
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const cut = address.lastIndexOf(":");
  return { host: address.slice(0, cut), port: Number(address.slice(cut + 1)) };
}
