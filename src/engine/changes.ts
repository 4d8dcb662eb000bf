import { isOverride, listAuditEvents, MAX_AUDIT_PAGE, type AuditEvent } from "../audit/index.js";
import { badInput } from "../core/index.js";
import { getDeploymentsByIds, listDeploymentsInWindow } from "../store/index.js";
import type { EngineContext } from "./context.js";

export type ChangeKind = "deploy" | "rollback" | "override" | "config";

/** One change, as an incident bridge reads it. */
export interface Change {
  /** When it happened (a deployment: when it was created), UTC ms. */
  at: number;
  kind: ChangeKind;
  service: string;
  /** null for a config change that applies to every environment of the service. */
  environment: string | null;
  version: string | null;
  previousVersion: string | null;
  actor: string;
  reason: string | null;
  /** A deployment's state (for overrides: the overridden deployment's); null for config changes. */
  state: string | null;
  finishedAt: number | null;
  /** The deployment id (`slipway show ID`, `slipway audit export ID`), or the audit event id. */
  id: string;
  /** The audit event's seq, for overrides and config changes. */
  seq: number | null;
}

export interface ChangesQuery {
  /** Start of the window, UTC ms (inclusive). */
  since: number;
  /** End of the window, UTC ms (exclusive); default now. */
  until?: number;
  environment?: string | undefined;
  service?: string | undefined;
  /** Default 200, at most 1000. */
  limit?: number;
}

const CONFIG_ACTIONS = ["service.created", "service.updated"];

/**
 * Every change to what runs in the window, newest first: deployments (including rollbacks, and
 * deployments that began earlier but finished in the window or are still running), overrides
 * and config changes (a service's slipway.yaml applied). Deployments come from the deployments
 * table; overrides and config changes from the audit log.
 */
export async function listChanges(ctx: Pick<EngineContext, "store" | "clock">, q: ChangesQuery): Promise<Change[]> {
  const until = q.until ?? ctx.clock.now() + 1;
  const limit = q.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput(`limit must be an integer from 1 to 1000, got ${limit}`);
  if (!(q.since < until)) throw badInput("the window is empty: since must be before until");
  const db = ctx.store.db;

  const deployments = await listDeploymentsInWindow(db, { since: q.since, until, service: q.service, environment: q.environment, limit });
  const changes: Change[] = deployments.map((d) => ({
    at: Number(d.createdAt),
    kind: d.kind === "rollback" ? "rollback" : "deploy",
    service: d.service,
    environment: d.environment,
    version: d.version,
    previousVersion: d.previousVersion,
    actor: d.actor,
    reason: d.reason,
    state: d.state,
    finishedAt: d.finishedAt === null ? null : Number(d.finishedAt),
    id: d.id,
    seq: null,
  }));

  // Overrides and config changes: audit events in the window, newest first.
  const events: AuditEvent[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await listAuditEvents(db, { since: q.since, until, order: "desc", limit: MAX_AUDIT_PAGE, ...(beforeSeq ? { beforeSeq } : {}) });
    events.push(...page.filter((e) => CONFIG_ACTIONS.includes(e.action) || isOverride(e.action)));
    if (page.length < MAX_AUDIT_PAGE || events.length >= limit) break;
    beforeSeq = page[page.length - 1]!.seq;
  }
  const overridden = await getDeploymentsByIds(db, events.filter((e) => isOverride(e.action)).map(deploymentIdOf).filter((x): x is string => x !== undefined));
  for (const e of events) {
    const p = (e.payload !== null && typeof e.payload === "object" ? e.payload : {}) as Record<string, unknown>;
    if (CONFIG_ACTIONS.includes(e.action)) {
      const service = e.subject.slice("service/".length);
      const envs = Array.isArray(p.environments) ? (p.environments as unknown[]) : undefined;
      if (q.service && service !== q.service) continue;
      if (q.environment && envs && !envs.includes(q.environment)) continue;
      changes.push({ at: e.at, kind: "config", service, environment: null, version: null, previousVersion: null, actor: e.actor, reason: str(p.reason) ?? `${e.action === "service.created" ? "registered" : "updated"} from ${str(p.file) ?? "slipway.yaml"}`, state: null, finishedAt: null, id: e.id, seq: e.seq });
    } else {
      const depId = deploymentIdOf(e);
      const d = depId ? overridden.get(depId) : undefined;
      const service = d?.service ?? str(p.service);
      const environment = d?.environment ?? str(p.environment);
      if (service === null) continue;
      if (q.service && service !== q.service) continue;
      if (q.environment && environment !== q.environment) continue;
      changes.push({ at: e.at, kind: "override", service, environment, version: d?.version ?? str(p.version), previousVersion: d?.previousVersion ?? null, actor: e.actor, reason: str(p.reason), state: d?.state ?? null, finishedAt: null, id: depId ?? e.id, seq: e.seq });
    }
  }
  return changes.sort((a, b) => b.at - a.at || (b.seq ?? 0) - (a.seq ?? 0)).slice(0, limit);
}

function deploymentIdOf(e: AuditEvent): string | undefined {
  if (e.subject.startsWith("deployment/")) return e.subject.slice("deployment/".length);
  const p = e.payload as Record<string, unknown> | null;
  return str(p?.deploymentId) ?? str(p?.deployment) ?? undefined;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
