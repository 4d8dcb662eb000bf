/** Plain data types of incidents. */

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_SOURCES = ["manual", "verification", "pagerduty", "opsgenie"] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export const INCIDENT_PROVIDERS = ["pagerduty", "opsgenie"] as const;
export type IncidentProvider = (typeof INCIDENT_PROVIDERS)[number];

export type IncidentStatus = "open" | "resolved";

export interface Incident {
  id: string;
  title: string;
  summary: string | null;
  severity: Severity;
  status: IncidentStatus;
  service: string | null;
  environment: string | null;
  source: IncidentSource;
  /** The incident's id at its source (PagerDuty incident id, Opsgenie alert id, the failed deployment's id). */
  externalId: string;
  url: string | null;
  startedAt: number;
  resolvedAt: number | null;
  openedBy: string;
  resolvedBy: string | null;
  /** The deployments suspected of causing it. */
  deployments: string[];
}

/** An alerting integration allowed to post incident webhooks; its secret is a reference (env:NAME, file:/path). */
export interface IncidentSourceConfig {
  id: string;
  provider: IncidentProvider;
  name: string;
  secretRef: string;
  service: string | null;
  environment: string | null;
  createdBy: string;
  createdAt: number;
}

export interface OpenIncidentInput {
  title: string;
  summary?: string | null | undefined;
  severity: Severity;
  service?: string | null | undefined;
  environment?: string | null | undefined;
  source: IncidentSource;
  externalId?: string | undefined;
  url?: string | null | undefined;
  startedAt?: number | undefined;
  actor: string;
  deployments?: readonly string[] | undefined;
}
