/**
 * The environments matrix (services × environments) for the web dashboard: filtered and paged
 * in SQL, so a page costs the same at 10 services and at 10,000 (indexes: migration 009).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import type { DeploymentState } from "../core/index.js";
import type { Database } from "./schema.js";

/** What a matrix filter on state means, as the deployment states it looks for. */
export const MATRIX_STATE_FILTERS = {
  awaiting_approval: ["awaiting_approval"],
  in_progress: ["queued", "running", "verifying", "rolling_back"],
  attention: ["awaiting_approval", "queued", "rolling_back"],
} as const satisfies Record<string, readonly DeploymentState[]>;
export type MatrixStateFilter = keyof typeof MATRIX_STATE_FILTERS;

export interface MatrixQuery {
  /** A part of the service's name or owner (case-insensitive). */
  search?: string;
  /** The owning team, exactly. */
  team?: string;
  /** Only services deployed to this environment (and only its column). */
  environment?: string;
  state?: MatrixStateFilter;
  /** Token scope: only this service. */
  onlyService?: string;
  offset: number;
  limit: number;
}

export interface MatrixCell {
  version: string | null;
  since: number | null;
  currentDeploymentId: string | null;
  replicas: { running: number; crashed: number };
  last: { id: string; version: string; state: string; at: number } | null;
  /** A deployment not finished yet: waiting for approval, held, or running. */
  pending: { id: string; version: string; state: string; waitingFor: string | null } | null;
}

export interface MatrixRow {
  service: string;
  owner: string;
  cells: Record<string, MatrixCell>;
}

export interface MatrixPage {
  total: number;
  environments: string[];
  rows: MatrixRow[];
}

const PENDING_STATES: DeploymentState[] = ["queued", "awaiting_approval", "running", "verifying", "rolling_back"];

function serviceFilter(q: MatrixQuery) {
  return (eb: ExpressionBuilder<Database, "services">): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (q.search) {
      const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      parts.push(eb.or([sql<SqlBool>`lower(services.name) like ${like} escape '\\'`, sql<SqlBool>`lower(services.owner) like ${like} escape '\\'`]));
    }
    if (q.team) parts.push(eb("services.owner", "=", q.team));
    if (q.onlyService) parts.push(eb("services.name", "=", q.onlyService));
    if (q.environment) {
      parts.push(eb.exists(eb.selectFrom("environments as e").select(sql`1`.as("one")).whereRef("e.service", "=", "services.name").where("e.environment", "=", q.environment)));
    }
    if (q.state) {
      let sub = eb.selectFrom("deployments as d").select(sql`1`.as("one")).whereRef("d.service", "=", "services.name").where("d.state", "in", [...MATRIX_STATE_FILTERS[q.state]]);
      if (q.environment) sub = sub.where("d.environment", "=", q.environment);
      parts.push(eb.exists(sub));
    }
    return eb.and(parts);
  };
}

/** One page of the matrix, services by name. */
export async function matrixPage(db: Kysely<Database>, q: MatrixQuery): Promise<MatrixPage> {
  const where = serviceFilter(q);
  const [count, services, envNames] = await Promise.all([
    db.selectFrom("services").select((eb) => eb.fn.countAll<number>().as("n")).where(where).executeTakeFirstOrThrow(),
    db.selectFrom("services").select(["name", "owner"]).where(where).orderBy("name").limit(q.limit).offset(q.offset).execute(),
    q.environment ? Promise.resolve([{ environment: q.environment }]) : db.selectFrom("environments").select("environment").distinct().execute(),
  ]);
  const names = services.map((s) => s.name);
  const environments = envNames.map((e) => e.environment);
  const rows: MatrixRow[] = services.map((s) => ({ service: s.name, owner: s.owner, cells: {} }));
  if (names.length === 0) return { total: Number(count.n), environments, rows };
  const byName = new Map(rows.map((r) => [r.service, r]));
  const cellOf = (service: string, environment: string): MatrixCell | undefined => {
    const row = byName.get(service);
    if (!row || (q.environment && environment !== q.environment)) return undefined;
    return (row.cells[environment] ??= { version: null, since: null, currentDeploymentId: null, replicas: { running: 0, crashed: 0 }, last: null, pending: null });
  };
  const [envRows, replicaRows, pendingRows] = await Promise.all([
    db
      .selectFrom("environments as e")
      .select(["e.service", "e.environment", "e.current_version", "e.since", "e.current_deployment_id"])
      .select((eb) => [
        eb.selectFrom("deployments as d").select("d.id").whereRef("d.service", "=", "e.service").whereRef("d.environment", "=", "e.environment").orderBy("d.created_at", "desc").limit(1).as("last_id"),
      ])
      .where("e.service", "in", names)
      .execute(),
    db.selectFrom("replicas").select(["service", "environment", "state", (eb) => eb.fn.countAll<number>().as("n")]).where("service", "in", names).where("state", "in", ["running", "crashed"]).groupBy(["service", "environment", "state"]).execute(),
    db.selectFrom("deployments").select(["id", "service", "environment", "version", "state", "waiting_for", "created_at"]).where("service", "in", names).where("state", "in", PENDING_STATES).orderBy("created_at", "desc").execute(),
  ]);
  const lastIds = envRows.map((r) => r.last_id).filter((id): id is string => typeof id === "string");
  const lastRows = lastIds.length ? await db.selectFrom("deployments").select(["id", "version", "state", "created_at"]).where("id", "in", lastIds).execute() : [];
  const lastById = new Map(lastRows.map((d) => [d.id, d]));
  for (const e of envRows) {
    const cell = cellOf(e.service, e.environment);
    if (!cell) continue;
    cell.version = e.current_version;
    cell.since = e.since === null ? null : Number(e.since);
    cell.currentDeploymentId = e.current_deployment_id;
    const last = e.last_id ? lastById.get(e.last_id) : undefined;
    if (last) cell.last = { id: last.id, version: last.version, state: last.state, at: Number(last.created_at) };
  }
  for (const r of replicaRows) {
    const cell = cellOf(r.service, r.environment);
    if (cell) cell.replicas[r.state === "running" ? "running" : "crashed"] = Number(r.n);
  }
  // Newest first: the first pending deployment seen for a cell is the one shown.
  for (const d of pendingRows) {
    const cell = cellOf(d.service, d.environment);
    if (cell && !cell.pending) cell.pending = { id: d.id, version: d.version, state: d.state, waitingFor: d.waiting_for };
  }
  return { total: Number(count.n), environments, rows };
}
