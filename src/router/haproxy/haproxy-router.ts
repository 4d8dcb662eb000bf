import { failed } from "../../core/errors.js";
import { LATENCY_BUCKETS_MS, type VersionStats } from "../../core/index.js";
import type { Route, RouterControl } from "../types.js";
import { parseTable, runtimeCommand } from "./runtime-api.js";

/** Names of the servers Slipway manages in a backend start with this; other servers are left alone. */
const PREFIX = "slw_";
/** HAProxy's largest server weight: a version's share is spread over its servers on this scale. */
const MAX_WEIGHT = 256;
const DRAIN_POLL_MS = 200;

export interface HaproxyBalancer {
  socket: string;
  backend: string;
}

type ServerRow = Record<string, string>;
type Counters = Omit<VersionStats, "version">;

/**
 * Traffic control through HAProxy's Runtime API: each replica is a server of one backend, added
 * at run time (`add server`, then `enable server`), weighted so that each version gets its share
 * (`set server … weight`), drained (`state drain`) when it leaves the route, and deleted once it
 * holds no connection (`state maint`, `del server`). Per-version counters come from `show stat`.
 *
 * HAProxy counts per server and forgets a deleted server's counters, so the counters of deleted
 * servers are kept here, per process (after a control-plane restart the counts start again from
 * what HAProxy holds; analysis compares snapshots within one step, which a restart ends anyway).
 * HAProxy has no latency histogram per server, so latency buckets stay empty: latency limits on
 * an HAProxy-balanced target need a Prometheus source.
 */
export class HaproxyRouter implements RouterControl {
  private static readonly retired = new Map<string, Map<string, Counters>>();
  private static readonly versions = new Map<string, string>();

  constructor(private readonly balancer: HaproxyBalancer) {}

  async setRoute(route: Route): Promise<void> {
    const desired = new Map<string, { address: string; weight: number; version: string }>();
    for (const backend of route.backends) {
      for (const address of backend.targets) {
        const weight = backend.weight <= 0 ? 0 : Math.max(1, Math.round((backend.weight * MAX_WEIGHT) / 100 / backend.targets.length));
        desired.set(serverName(address, backend.version), { address, weight, version: backend.version });
      }
    }
    const present = new Map((await this.servers()).map((s) => [s.svname!, s]));
    for (const [name, want] of desired) {
      HaproxyRouter.versions.set(this.scoped(name), want.version);
      if (!present.has(name)) {
        await this.command(`add server ${this.backendOf(name)} ${want.address} weight ${want.weight}`);
        await this.command(`enable server ${this.backendOf(name)}`);
      }
      if (want.weight === 0) {
        await this.command(`set server ${this.backendOf(name)} state drain`);
      } else {
        await this.command(`set server ${this.backendOf(name)} weight ${want.weight}`);
        await this.command(`set server ${this.backendOf(name)} state ready`);
      }
    }
    for (const [name, row] of present) if (!desired.has(name)) await this.retire(name, row);
  }

  async removeRoute(): Promise<void> {
    for (const row of await this.servers()) await this.retire(row.svname!, row);
  }

  async listRoutes(): Promise<Route[]> {
    const rows = await this.servers();
    const byVersion = new Map<string, { weight: number; targets: string[] }>();
    for (const row of rows) {
      if (row.status === "MAINT" || row.status === "DRAIN") continue;
      const version = this.versionOf(row.svname!);
      const entry = byVersion.get(version) ?? { weight: 0, targets: [] };
      entry.weight += Number(row.weight) || 0;
      entry.targets.push(addressOf(row.svname!));
      byVersion.set(version, entry);
    }
    const total = [...byVersion.values()].reduce((sum, e) => sum + e.weight, 0) || 1;
    const backends = [...byVersion].map(([version, e]) => ({ version, weight: Math.round((100 * e.weight) / total), targets: e.targets }));
    return [{ key: `haproxy:${this.balancer.backend}`, port: 0, backends }];
  }

  async getStats(): Promise<VersionStats[]> {
    const totals = new Map<string, Counters>();
    for (const [version, counters] of this.retiredCounters()) add(totals, version, counters);
    for (const row of await this.servers()) add(totals, this.versionOf(row.svname!), countersOf(row));
    return [...totals].map(([version, c]) => ({ version, ...c }));
  }

  /** Resolves once no server of the version holds a session (true), or at the timeout (false). */
  async drain(_key: string, version: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = (await this.servers()).filter((row) => this.versionOf(row.svname!) === version && Number(row.scur) > 0);
      if (busy.length === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  }

  /** A server that left the route: drained first; deleted (counters kept) once it holds no session. */
  private async retire(name: string, row: ServerRow): Promise<void> {
    if (row.status !== "DRAIN" && row.status !== "MAINT") {
      await this.command(`set server ${this.backendOf(name)} state drain`);
      return;
    }
    if (Number(row.scur) > 0) return;
    await this.command(`set server ${this.backendOf(name)} state maint`);
    const answer = await runtimeCommand(this.balancer.socket, `del server ${this.backendOf(name)}`);
    // Connections still attached (idle ones included) keep the server; the next route change tries again.
    if (!/deleted/i.test(answer)) return;
    const retired = this.retiredCounters();
    add(retired, this.versionOf(name), countersOf(row));
    HaproxyRouter.versions.delete(this.scoped(name));
  }

  /** The backend's servers managed by Slipway, as `show stat` rows. */
  private async servers(): Promise<ServerRow[]> {
    const text = await runtimeCommand(this.balancer.socket, "show stat");
    const rows = parseTable(text, /,/);
    if (!rows.some((r) => r.pxname === this.balancer.backend)) {
      throw failed(`HAProxy has no backend "${this.balancer.backend}"`, {
        hint: "declare it in haproxy.cfg (with `balance roundrobin`) and name it in target.balancer.haproxy.backend",
      });
    }
    return rows.filter((r) => r.pxname === this.balancer.backend && r.svname?.startsWith(PREFIX));
  }

  /** Runs a command whose answer is empty on success; anything else is HAProxy saying why not. */
  private async command(command: string): Promise<void> {
    const answer = (await runtimeCommand(this.balancer.socket, command)).trim();
    if (answer !== "" && !/^New server registered\.?$/i.test(answer)) {
      throw failed(`HAProxy refused "${command}": ${answer}`, {
        hint: `the backend needs a load-balancing algorithm with dynamic weights (e.g. balance roundrobin) and HAProxy 2.6 or later`,
      });
    }
  }

  private backendOf(name: string): string {
    return `${this.balancer.backend}/${name}`;
  }

  private scoped(name: string): string {
    return `${this.balancer.socket}|${this.balancer.backend}|${name}`;
  }

  private versionOf(name: string): string {
    return HaproxyRouter.versions.get(this.scoped(name)) ?? name.split("_").slice(2).join("_");
  }

  private retiredCounters(): Map<string, Counters> {
    const key = `${this.balancer.socket}|${this.balancer.backend}`;
    let counters = HaproxyRouter.retired.get(key);
    if (!counters) {
      counters = new Map();
      HaproxyRouter.retired.set(key, counters);
    }
    return counters;
  }
}

/** `slw_<address>_<version>`: HAProxy names allow letters, digits and - _ . : only. */
export function serverName(address: string, version: string): string {
  return `${PREFIX}${address.replace(/[^A-Za-z0-9]/g, "-")}_${version.replace(/[^A-Za-z0-9.-]/g, "-")}`;
}

/** The "host:port" a server name was made from (IPv4 and host names). */
function addressOf(name: string): string {
  const encoded = name.split("_")[1] ?? "";
  const cut = encoded.lastIndexOf("-");
  return `${encoded.slice(0, cut).replace(/-/g, ".")}:${encoded.slice(cut + 1)}`;
}

function countersOf(row: ServerRow): Counters {
  const n = (field: string) => Number(row[field]) || 0;
  const statusClasses = { "2xx": n("hrsp_2xx"), "3xx": n("hrsp_3xx"), "4xx": n("hrsp_4xx"), "5xx": n("hrsp_5xx"), error: n("eresp") };
  const requests = n("hrsp_1xx") + n("hrsp_2xx") + n("hrsp_3xx") + n("hrsp_4xx") + n("hrsp_5xx") + n("hrsp_other") + n("eresp");
  return { requests, statusClasses, latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
}

function add(into: Map<string, Counters>, version: string, c: Counters): void {
  const t = into.get(version);
  if (!t) {
    into.set(version, { requests: c.requests, statusClasses: { ...c.statusClasses }, latencyBuckets: [...c.latencyBuckets] });
    return;
  }
  t.requests += c.requests;
  for (const k of Object.keys(t.statusClasses) as (keyof Counters["statusClasses"])[]) t.statusClasses[k] += c.statusClasses[k];
  c.latencyBuckets.forEach((v, i) => (t.latencyBuckets[i] = (t.latencyBuckets[i] ?? 0) + v));
}
