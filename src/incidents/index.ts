/**
 * Incidents: opened by hand, by a failed production verification, or by PagerDuty / Opsgenie
 * webhooks (verified, secrets by reference); linked to the deployments suspected of causing
 * them; resolved; and their postmortem timeline from the audit log. Every change is an audit
 * event (incident.opened, incident.linked, incident.resolved).
 */
export { openIncident, resolveIncident, linkDeployments, getIncident, listIncidents, findIncidentBySource, type IncidentQuery } from "./repo.js";
export { incidentTimeline, type Timeline, type TimelineEntry, type TimelineKind } from "./timeline.js";
export { followFailedVerifications, openForFailedVerification } from "./auto-open.js";
export { verifyPagerDutySignature, verifyOpsgenieToken, fromPagerDuty, fromOpsgenie, type AlertAction } from "./webhooks.js";
export { addIncidentSource, findIncidentSource, listIncidentSources, removeIncidentSource } from "./sources.js";
export { SEVERITIES, INCIDENT_SOURCES, INCIDENT_PROVIDERS, type Severity, type Incident, type IncidentSource, type IncidentProvider, type IncidentSourceConfig, type OpenIncidentInput } from "./types.js";
