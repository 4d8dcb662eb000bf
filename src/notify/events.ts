import type { AuditEvent } from "../audit/index.js";
import type { NotifyEventName } from "../core/index.js";

/** What an audit event means for notifications: the event's name and what it is about. */
export interface NotifyTrigger {
  name: NotifyEventName;
  service: string | null;
  environment: string | null;
  deploymentId: string | null;
  incidentId: string | null;
}

type Payload = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/**
 * Maps an audit event to the notification it stands for, or undefined. Deployment transitions
 * are `deployment.<state>` events (engine/transition.ts); a gate's refusal is the move to
 * `rejected`, and an approval is needed when a deployment moves to `awaiting_approval`.
 * Incidents are `incident.opened` / `incident.resolved`, whatever appends them.
 */
export function triggerOf(event: AuditEvent): NotifyTrigger | undefined {
  const payload = (event.payload && typeof event.payload === "object" ? event.payload : {}) as Payload;
  const name = nameOf(event.action, payload);
  if (!name) return undefined;
  const [kind, id] = splitSubject(event.subject);
  return {
    name,
    service: text(payload.service),
    environment: text(payload.environment),
    deploymentId: kind === "deployment" ? id : null,
    incidentId: kind === "incident" ? id : text(payload.id),
  };
}

function nameOf(action: string, payload: Payload): NotifyEventName | undefined {
  switch (action) {
    // Entering running from anywhere but itself: the deployment has begun (after its gates).
    case "deployment.running":
      return payload.from === "running" ? undefined : "deployment.started";
    case "deployment.succeeded":
      return "deployment.succeeded";
    case "deployment.failed":
    case "deployment.rollback_failed":
      return "deployment.failed";
    case "deployment.rolled_back":
      return "deployment.rolled_back";
    case "deployment.awaiting_approval":
      return "approval.needed";
    case "deployment.rejected":
      return "gate.refused";
    case "incident.opened":
      return "incident.opened";
    case "incident.resolved":
      return "incident.resolved";
    default:
      return undefined;
  }
}

function splitSubject(subject: string): [string, string] {
  const slash = subject.indexOf("/");
  return slash < 0 ? [subject, ""] : [subject.slice(0, slash), subject.slice(slash + 1)];
}
