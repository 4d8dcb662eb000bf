/**
 * A synthetic fleet written straight into a SQLite database (one transaction, prepared
 * statements): services with a valid slipway.yaml, environments with what runs there, and a
 * history of finished deployments. For the dashboard's screenshots (a fleet that looks like a
 * company's) and its benchmark (10,000 services, 1,000,000 deployments). Nothing here runs:
 * every deployment is finished, environments have negative ports (never a real one), no replicas.
 */
import SQLite from "better-sqlite3";
import { parseServiceConfig } from "../../src/core/index.js";
import { helloYaml } from "../helpers/fixture.js";

export interface FleetOptions {
  services: number;
  environments: string[];
  /** Deployments in all, spread over every (service, environment). */
  deployments: number;
  /** Newest deployment time; history goes back from it. */
  now: number;
  /** Every n-th cell's newest deployment is rolled back (0: none). */
  rolledBackEvery?: number;
}

const TEAMS = ["payments", "checkout", "search", "identity", "platform", "growth", "catalog", "logistics", "notifications", "risk", "ledger", "mobile-api"];
const NOUNS = ["api", "worker", "gateway", "indexer", "sync", "scheduler", "renderer", "events", "billing", "auth", "cart", "orders", "pricing", "ranking", "profile", "export"];

export function fleetServiceName(i: number): string {
  const team = TEAMS[i % TEAMS.length]!;
  const noun = NOUNS[Math.floor(i / TEAMS.length) % NOUNS.length]!;
  const n = Math.floor(i / (TEAMS.length * NOUNS.length));
  return n === 0 ? `${team}-${noun}` : `${team}-${noun}-${n}`;
}

const hex = (i: number, len: number) => (i.toString(16).padStart(8, "0").repeat(8)).slice(0, len);
const ulidLike = (i: number, prefix: string) => `${prefix}${i.toString(36).toUpperCase().padStart(26 - prefix.length, "0")}`;

/** Writes the fleet; returns how many rows of each it wrote. */
export function seedFleet(file: string, o: FleetOptions): { services: number; environments: number; deployments: number } {
  const db = new SQLite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const envSpec = Object.fromEntries(o.environments.map((e, i) => [e, { target: { driver: "process", replicas: 2 }, strategy: i === o.environments.length - 1 ? { type: "canary", steps: [{ weight: 10, pause: "2m" }, { weight: 100 }] } : { type: "rolling" }, ...(i > 0 ? { requires: { promoted_from: o.environments[i - 1] } } : {}) }]));
  const parsed = parseServiceConfig(helloYaml("fleet-template", envSpec), "slipway.yaml");
  if (!parsed.config) throw new Error(`the fleet's slipway.yaml does not parse: ${JSON.stringify(parsed.errors)}`);
  const template = parsed.config;
  const insertService = db.prepare("insert into services (name, owner, config_json, config_yaml, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
  const insertArtifact = db.prepare("insert into artifacts (id, service, version, digest, commit_sha, author, size_bytes, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)");
  const insertEnv = db.prepare("insert into environments (service, environment, port, current_version, current_digest, current_deployment_id, since, weights_json, node) values (?, ?, ?, ?, ?, ?, ?, ?, null)");
  const insertDeployment = db.prepare(
    `insert into deployments (id, service, environment, kind, artifact_id, version, digest, state, strategy, actor, reason, previous_version, previous_digest, env_config_json, error, error_hint, cancel_requested, created_at, updated_at, started_at, finished_at)
     values (?, ?, ?, 'deploy', ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, null, 0, ?, ?, ?, ?)`,
  );
  // What a deployment runs with, as the engine freezes it at creation (the status route reads the target from it).
  const frozenOf = Object.fromEntries(o.environments.map((e) => [e, JSON.stringify({ run: template.run, environment: template.environments[e], config: template.config[e] ?? {} })]));
  const cells = o.services * o.environments.length;
  const perCell = Math.max(1, Math.floor(o.deployments / cells));
  let extra = o.deployments - perCell * cells;
  let deployments = 0;
  let port = -1;
  const STEP = 3_600_000;
  db.transaction(() => {
    for (let s = 0; s < o.services; s++) {
      const name = fleetServiceName(s);
      const owner = `team-${TEAMS[s % TEAMS.length]}`;
      const yaml = helloYaml(name, envSpec).replace("team-e2e", owner);
      // Every service's yaml differs only in its name and owner: parsed once, then filled in.
      insertService.run(name, owner, JSON.stringify({ ...template, service: name, owner }), yaml, o.now - 90 * 86_400_000, o.now - 86_400_000);
      for (let e = 0; e < o.environments.length; e++) {
        const env = o.environments[e]!;
        const n = perCell + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        let current: { id: string; version: string; digest: string; at: number } | null = null;
        let previous: { version: string; digest: string } | null = null;
        for (let k = 0; k < n; k++) {
          const id = ulidLike(deployments, "D");
          const minor = Math.max(0, k - e);
          const version = `1.${Math.floor(minor / 10)}.${minor % 10}`;
          const digest = `sha256:${hex(s * 1000 + minor, 64)}`;
          const at = o.now - (n - k) * STEP - e * 600_000 - (s % 97) * 1000;
          const lastOfCell = k === n - 1;
          const rolledBack = lastOfCell && o.rolledBackEvery ? (s * o.environments.length + e) % o.rolledBackEvery === 0 : false;
          const state = rolledBack ? "rolled_back" : "succeeded";
          insertDeployment.run(id, name, env, ulidLike(s * 1000 + minor, "A"), version, digest, state, e === o.environments.length - 1 ? "canary" : "rolling", k % 3 === 0 ? "ci-bot" : "alice", previous?.version ?? null, previous?.digest ?? null, frozenOf[env], rolledBack ? "analysis: error-rate 4.1 % above max 1 %" : null, at, at + 90_000, at + 1000, at + 90_000);
          deployments++;
          if (!rolledBack) {
            current = { id, version, digest, at: at + 90_000 };
            previous = { version, digest };
          }
        }
        if (e === 0) {
          // The newest five versions, as their deployments name them.
          for (let v = Math.max(0, n - 5); v < n; v++) insertArtifact.run(ulidLike(s * 1000 + v, "A"), name, `1.${Math.floor(v / 10)}.${v % 10}`, `sha256:${hex(s * 1000 + v, 64)}`, hex(s * 7 + v, 40), "alice@example.com", 48_213, o.now - (n - v) * STEP);
        }
        if (current) insertEnv.run(name, env, port--, current.version, current.digest, current.id, current.at, JSON.stringify([{ version: current.version, weight: 100 }]));
      }
    }
  })();
  db.close();
  return { services: o.services, environments: -port - 1, deployments };
}
