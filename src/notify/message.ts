import type { AuditEvent } from "../audit/index.js";
import type { NotifyEventName } from "../core/index.js";
import { getDeploymentRow, listDecisions, type Db } from "../store/index.js";
import type { NotifyTrigger } from "./events.js";

/** One check of the last analysis or verification look, with the numbers behind its verdict. */
export interface VerdictCheck {
  check: string;
  verdict: string;
  reason: string;
  numbers: unknown;
}

/**
 * What a notification says, independent of where it goes: built once when the event is
 * enqueued (so a retry a day later says what was true then) and rendered per destination.
 * It carries no secret: only names, versions, verdicts and a link.
 */
export interface NotificationMessage {
  event: NotifyEventName;
  /** The audit event's seq and time. */
  seq: number;
  at: number;
  /** Who caused it: the deployer for a deployment, the actor otherwise. */
  actor: string;
  service: string | null;
  environment: string | null;
  /** One line a person reads first. */
  summary: string;
  deployment?: {
    id: string;
    version: string;
    previousVersion: string | null;
    strategy: string;
    kind: string;
    error: string | null;
    url: string | null;
  };
  /** The deployment's last verdict per check, when it was analysed or verified. */
  verdict?: VerdictCheck[];
  /** Gates that refused it. */
  gates?: { gate: string; passed: boolean; facts: string; remedy?: string }[];
  /** What it waits for (approval.needed), as the gates put it. */
  waitingFor?: string;
  incident?: { id: string; severity: string | null; title: string | null };
}

const VERBS: Record<NotifyEventName, string> = {
  "deployment.started": "started",
  "deployment.succeeded": "succeeded",
  "deployment.failed": "failed",
  "deployment.rolled_back": "was rolled back",
  "approval.needed": "needs an approval",
  "gate.refused": "was refused by its gates",
  "incident.opened": "incident opened",
  "incident.resolved": "incident resolved",
};

/** Builds the message for `event` (already known to trigger `trigger`), reading the deployment it names. */
export async function buildMessage(db: Db, event: AuditEvent, trigger: NotifyTrigger, publicUrl: string | null): Promise<NotificationMessage> {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const base = { event: trigger.name, seq: event.seq, at: event.at, actor: event.actor, service: trigger.service, environment: trigger.environment };
  if (trigger.deploymentId) {
    const row = await getDeploymentRow(db, trigger.deploymentId);
    const deployment = {
      id: row.id,
      version: row.version,
      previousVersion: row.previous_version,
      strategy: row.strategy,
      kind: row.kind,
      error: typeof payload.error === "string" ? payload.error : null,
      url: publicUrl ? `${publicUrl.replace(/\/$/, "")}/api/v1/deployments/${row.id}` : null,
    };
    const verdict = await lastVerdicts(db, row.id);
    const gates = Array.isArray(payload.gates) ? (payload.gates as NonNullable<NotificationMessage["gates"]>).filter((g) => !g.passed) : undefined;
    const summary = `${row.service} ${row.version} ${VERBS[trigger.name]} in ${row.environment}${deployment.error ? `: ${deployment.error}` : ""}`;
    const waitingFor = typeof payload.waitingFor === "string" ? payload.waitingFor : undefined;
    return { ...base, actor: row.actor, service: row.service, environment: row.environment, summary, deployment, ...(verdict.length ? { verdict } : {}), ...(gates?.length ? { gates } : {}), ...(waitingFor ? { waitingFor } : {}) };
  }
  const id = trigger.incidentId ?? event.subject;
  const title = typeof payload.title === "string" ? payload.title : typeof payload.summary === "string" ? payload.summary : null;
  const severity = typeof payload.severity === "string" ? payload.severity : null;
  const where = [trigger.service, trigger.environment].filter(Boolean).join(" in ");
  const summary = `${VERBS[trigger.name]}${severity ? ` (${severity})` : ""}${where ? ` for ${where}` : ""}${title ? `: ${title}` : ""}`;
  return { ...base, summary: summary.charAt(0).toUpperCase() + summary.slice(1), incident: { id, severity, title } };
}

/** The latest decision per check: what the deployment's last look concluded. */
async function lastVerdicts(db: Db, deploymentId: string): Promise<VerdictCheck[]> {
  const byCheck = new Map<string, VerdictCheck>();
  for (const d of await listDecisions(db, deploymentId)) byCheck.set(d.check, { check: d.check, verdict: d.verdict, reason: d.reason, numbers: d.numbers });
  return [...byCheck.values()];
}
