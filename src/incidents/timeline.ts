/**
 * The postmortem timeline of an incident: from some time before it started (what changed just
 * before) to its resolution (or now), every deployment, rollback, override, approval, config
 * change and verification verdict of its service (every service, for an incident of none), and
 * the incident's own events, oldest first, read from the audit log.
 */
import { isOverride, listAuditEvents, MAX_AUDIT_PAGE, type AuditEvent } from "../audit/index.js";
import type { Clock } from "../core/index.js";
import type { Store } from "../store/index.js";
import { getIncident } from "./repo.js";
import type { Incident } from "./types.js";

export type TimelineKind = "deployment" | "rollback" | "override" | "approval" | "config" | "verification" | "incident";

export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  service: string | null;
  environment: string | null;
  /** The deployment it concerns, if any. */
  deploymentId: string | null;
  actor: string;
  what: string;
  seq: number;
}

export interface Timeline {
  incident: Incident;
  since: number;
  until: number;
  entries: TimelineEntry[];
  /** The log had more in the window than a timeline shows. */
  truncated: boolean;
}

const MAX_ENTRIES = 5000;
const DEPLOYMENT_STATES = ["succeeded", "rolling_back", "rolled_back", "rollback_failed", "failed", "cancelled", "rejected"];

export async function incidentTimeline(store: Store, clock: Clock, id: string, beforeMs: number): Promise<Timeline> {
  const incident = await getIncident(store.db, id);
  const since = incident.startedAt - beforeMs;
  const until = (incident.resolvedAt ?? clock.now()) + 1;
  const events: AuditEvent[] = [];
  let afterSeq: number | undefined;
  let truncated = false;
  for (;;) {
    const page = await listAuditEvents(store.db, { since, until, order: "asc", limit: MAX_AUDIT_PAGE, ...(afterSeq ? { afterSeq } : {}) });
    events.push(...page);
    if (page.length < MAX_AUDIT_PAGE) break;
    if (events.length >= MAX_ENTRIES * 4) {
      truncated = true;
      break;
    }
    afterSeq = page[page.length - 1]!.seq;
  }
  const deploymentIds = [...new Set(events.map(deploymentOf).filter((d): d is string => d !== null))];
  const where = new Map<string, { service: string; environment: string; version: string }>();
  for (let i = 0; i < deploymentIds.length; i += 500) {
    const rows = await store.db.selectFrom("deployments").select(["id", "service", "environment", "version"]).where("id", "in", deploymentIds.slice(i, i + 500)).execute();
    for (const r of rows) where.set(r.id, r);
  }
  const entries: TimelineEntry[] = [];
  for (const e of events) {
    const entry = toEntry(e, where, incident.id);
    if (!entry) continue;
    if (entry.kind !== "incident" && incident.service && entry.service !== incident.service) continue;
    if (entry.kind !== "incident" && entry.kind !== "config" && incident.environment && entry.environment !== incident.environment) continue;
    entries.push(entry);
  }
  if (entries.length > MAX_ENTRIES) truncated = true;
  return { incident, since, until, entries: entries.slice(0, MAX_ENTRIES), truncated };
}

function deploymentOf(e: AuditEvent): string | null {
  return e.subject.startsWith("deployment/") ? e.subject.slice("deployment/".length) : null;
}

function toEntry(e: AuditEvent, where: Map<string, { service: string; environment: string; version: string }>, incidentId: string): TimelineEntry | null {
  const p = (e.payload !== null && typeof e.payload === "object" ? e.payload : {}) as Record<string, unknown>;
  const base = { at: e.at, actor: e.actor, seq: e.seq };
  if (e.subject === `incident/${incidentId}`) return { ...base, kind: "incident", service: null, environment: null, deploymentId: null, what: `${e.action.slice("incident.".length)}${typeof p.title === "string" ? `: ${p.title}` : ""}` };
  if (e.subject.startsWith("service/") && (e.action === "service.created" || e.action === "service.updated")) {
    return { ...base, kind: "config", service: e.subject.slice("service/".length), environment: null, deploymentId: null, what: `slipway.yaml ${e.action === "service.created" ? "registered" : "updated"}` };
  }
  const id = deploymentOf(e);
  if (!id) return null;
  const d = where.get(id);
  const at = { service: d?.service ?? null, environment: d?.environment ?? null, deploymentId: id };
  const version = d?.version ?? "?";
  if (e.action === "deployment.created") return { ...base, ...at, kind: p.kind === "rollback" ? "rollback" : "deployment", what: `${p.kind === "rollback" ? "rollback to" : "deploy"} ${version} created${typeof p.reason === "string" ? ` (${p.reason})` : ""}` };
  if (isOverride(e.action)) return { ...base, ...at, kind: "override", what: `break-glass override${typeof p.reason === "string" ? `: ${p.reason}` : ""}` };
  if (e.action === "approval.recorded") return { ...base, ...at, kind: "approval", what: `${String(p.decision ?? "decision")} by ${e.actor}${typeof p.comment === "string" ? `: ${p.comment}` : ""}` };
  if (e.action === "analysis.evaluated") {
    const decisions = Array.isArray(p.decisions) ? (p.decisions as Record<string, unknown>[]) : [];
    return { ...base, ...at, kind: "verification", what: `analysis: ${decisions.map((x) => `${String(x.check)} ${String(x.verdict)}`).join(", ") || "no checks"}` };
  }
  if (e.action === "step.done" && (p.kind === "verify" || p.kind === "analyse")) return { ...base, ...at, kind: "verification", what: `${String(p.kind)}${typeof p.via === "string" ? ` via ${p.via}` : ""} passed` };
  const state = e.action.slice("deployment.".length);
  if (e.action.startsWith("deployment.") && DEPLOYMENT_STATES.includes(state)) {
    const error = typeof p.error === "string" ? `: ${p.error}` : "";
    const kind: TimelineKind = p.cause === "verification" ? "verification" : state === "rolling_back" || state === "rolled_back" ? "rollback" : "deployment";
    return { ...base, ...at, kind, what: `${version} ${state}${error}` };
  }
  return null;
}
