import type { Generated, Kysely, Transaction } from "kysely";

/** Table types for Kysely. Times are UTC milliseconds; ids are ULIDs; booleans are 0/1. */
export interface Database {
  services: ServicesTable;
  artifacts: ArtifactsTable;
  deployments: DeploymentsTable;
  steps: StepsTable;
  decisions: DecisionsTable;
  env_locks: EnvLocksTable;
  instances: InstancesTable;
  environments: EnvironmentsTable;
  replicas: ReplicasTable;
  audit_events: AuditEventsTable;
  approvals: ApprovalsTable;
  audit_head: AuditHeadTable;
  tokens: TokensTable;
  triage_clusters: TriageClustersTable;
  triage_occurrences: TriageOccurrencesTable;
  triage_examples: TriageExamplesTable;
  signing_keys: SigningKeysTable;
  artifact_attachments: ArtifactAttachmentsTable;
  pipeline_runs: PipelineRunsTable;
  webhook_sources: WebhookSourcesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notify_cursor: NotifyCursorTable;
  notify_outbox: NotifyOutboxTable;
  artifact_commits: ArtifactCommitsTable;
  incidents: IncidentsTable;
  incident_deployments: IncidentDeploymentsTable;
  incident_sources: IncidentSourcesTable;
  insights_daily: InsightsDailyTable;
  insights_hist: InsightsHistTable;
  insights_state: InsightsStateTable;
}

export interface ServicesTable {
  name: string;
  owner: string;
  config_json: string;
  config_yaml: string;
  created_at: number;
  updated_at: number;
}

export interface ArtifactsTable {
  id: string;
  service: string;
  version: string;
  digest: string;
  commit_sha: string | null;
  author: string | null;
  size_bytes: number;
  created_at: number;
}

export interface DeploymentsTable {
  id: string;
  service: string;
  environment: string;
  kind: string; // "deploy" | "rollback"
  artifact_id: string;
  version: string;
  digest: string;
  state: string; // DeploymentState
  strategy: string;
  actor: string;
  reason: string | null;
  previous_version: string | null;
  previous_digest: string | null;
  /** What ran before in full (migration 016): the deployment that put it there, its replica count, the traffic split. */
  previous_deployment_id: string | null;
  previous_replicas: number | null;
  previous_weights_json: string | null;
  /** The node (host and data directory) whose instances alone may run it: set when its replicas are local processes (migration 017). */
  node: string | null;
  /** The environment config this deployment runs with, frozen when it was created. */
  env_config_json: string;
  error: string | null;
  error_hint: string | null;
  cancel_requested: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** Written by each claim; step records are fenced on it (see leases.ts). */
  lease_token: string | null;
  /** Break-glass: who overrode windows and freezes for this deployment, and why. */
  override_by: string | null;
  override_reason: string | null;
  /** A waiting deployment is not looked at again before this time. */
  not_before: number | null;
  /** What it waits for, in a sentence (approval, soak, window, a freeze holding a canary). */
  waiting_for: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface StepsTable {
  deployment_id: string;
  idx: number;
  kind: string;
  params_json: string;
  state: string; // StepState
  result_json: string | null;
  started_at: number | null;
  finished_at: number | null;
}

export interface DecisionsTable {
  id: string;
  deployment_id: string;
  step_idx: number;
  check_name: string;
  verdict: string; // Verdict
  detail_json: string;
  at: number;
}

/** A control-plane instance sharing the database, with its heartbeat (migration 017). */
export interface InstancesTable {
  id: string;
  /** Host and data directory: instances of one node see the same local replicas and router. */
  node: string;
  hostname: string;
  pid: number;
  api_url: string | null;
  started_at: number;
  heartbeat_at: number;
  stopped_at: number | null;
}

export interface EnvLocksTable {
  service: string;
  environment: string;
  deployment_id: string;
  acquired_at: number;
}

/** What runs in each (service, environment), and the stable router port it is served on. */
export interface EnvironmentsTable {
  service: string;
  environment: string;
  port: number;
  current_version: string | null;
  current_digest: string | null;
  current_deployment_id: string | null;
  since: number | null;
  /** The traffic split the router should have: TrafficWeight[] as JSON. The router follows it. */
  weights_json: string;
  /** The node whose router and local replicas serve it, when they are local processes (migration 017). */
  node: string | null;
}

export interface ReplicasTable {
  id: string;
  service: string;
  environment: string;
  version: string;
  digest: string;
  deployment_id: string;
  /** pid of the supervising shim (its process group is the replica's). */
  pid: number | null;
  /** Which driver started it (migration 006): stop and status go to the same driver. */
  driver: string;
  /** Where it runs: the host the driver placed it on ("127.0.0.1" for the process driver). */
  host: string;
  port: number;
  /** The target it was started on, as JSON (migration 014): how its driver reaches it again. Null for older rows. */
  target_json: string | null;
  state: string; // "starting" | "running" | "stopping" | "stopped" | "crashed"
  log_path: string;
  started_at: number;
  stopped_at: number | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor: string;
  action: string;
  subject: string;
  payload_json: string;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1) holding the chain head, locked while an event is appended. */
export interface AuditHeadTable {
  id: number;
  last_hash: string;
  last_seq: number;
}

export interface TokensTable {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  scope_service: string | null;
  scope_env: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** JSON array of grant names beside the role, e.g. ["emergency"] (migration 003). */
  grants: string;
}

/** A failure cluster: the Drain-style template of its evidence and how often it was seen. */
export interface TriageClustersTable {
  id: string;
  signature: string;
  category: string;
  template: string;
  occurrences: number;
  flaky_marked: number;
  first_seen_at: number;
  last_seen_at: number;
  first_pipeline: string | null;
  first_run: string | null;
}

/** One triaged failed run. */
export interface TriageOccurrencesTable {
  id: string;
  cluster_id: string;
  pipeline: string | null;
  run: string | null;
  at: number;
  category: string;
  flaky_probability: number;
  marked_flaky: number | null;
  ranges_json: string;
  evidence_json: string;
}

/** A person-confirmed answer (the right lines) for one run of a pipeline. */
export interface TriageExamplesTable {
  id: string;
  pipeline: string;
  run: string;
  ranges_json: string;
  lines_json: string;
  /** `{ before, after, linesAfter }` around the confirmed lines (null: older example, or unknown). */
  context_json: string | null;
  created_at: number;
}

export interface ApprovalsTable {
  id: string;
  deployment_id: string;
  /** The artifact approved: an approval is for these bytes, not for whatever the deployment later names. */
  digest: string;
  by: string;
  /** The role the person held (for this service and environment) when they decided. */
  role: string;
  decision: string; // "approve" | "reject"
  comment: string | null;
  at: number;
}

/** A handle queries run on: the database, or a transaction in progress. */
/** The notifier's position in the audit log (one row, name "outbox"). */
export interface NotifyCursorTable {
  name: string;
  last_seq: number;
}

/** One message for one destination; unique per (event_seq, destination). */
export interface NotifyOutboxTable {
  id: string;
  event_seq: number;
  /** "service/<name>:<destination>". */
  destination: string;
  kind: string; // "slack" | "webhook"
  /** The destination as configured: secret references, never their values. */
  target_json: string;
  event: string; // NotifyEventName
  service: string | null;
  environment: string | null;
  subject: string;
  message_json: string;
  state: string; // "pending" | "delivered" | "dead"
  attempts: number;
  next_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export type Db = Kysely<Database> | Transaction<Database>;

/** A registered public signing key (migration 007). The private half never reaches the server. */
export interface SigningKeysTable {
  id: string;
  name: string;
  algorithm: string; // KeyAlgorithm
  /** sha256 hex of the SPKI DER bytes. */
  key_id: string;
  public_pem: string;
  /** JSON array of the services whose artifacts the key may sign; [] = any service. */
  services_json: string;
  description: string | null;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** A document about an artifact digest: a signature envelope, provenance, an SBOM or a scan. */
export interface ArtifactAttachmentsTable {
  id: string;
  digest: string;
  kind: string; // "signature" | "provenance" | "sbom" | "scan"
  format: string; // "dsse" | "in-toto" | "cyclonedx" | "spdx" | "sarif" | "grype" | "trivy"
  /** sha256 hex of `document`'s UTF-8 bytes. */
  doc_digest: string;
  document: string;
  summary_json: string;
  uploaded_by: string;
  created_at: number;
}

/** A CI pipeline run: run by `slipway pipeline run`, posted by CI, or from a webhook. */
export interface PipelineRunsTable {
  id: string;
  source: string; // "slipway" | "api" | "github" | "gitlab"
  /** The run's id at its source (unique per source). */
  external_id: string;
  service: string | null;
  pipeline: string;
  repository: string | null;
  commit_sha: string | null;
  branch: string | null;
  status: string; // PipelineRunStatus
  actor: string | null;
  url: string | null;
  /** PipelineStage[] as JSON. */
  stages_json: string;
  /** The run's log (redacted by whoever sent it), or null. */
  log: string | null;
  log_bytes: number | null;
  /** The triage of a failed run with a log, as JSON. */
  triage_json: string | null;
  artifact_digest: string | null;
  started_at: number | null;
  finished_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A repository allowed to post webhooks, and where its secret is (a reference, never the value). */
export interface WebhookSourcesTable {
  id: string;
  provider: string; // "github" | "gitlab"
  repository: string;
  secret_ref: string;
  service: string | null;
  created_by: string;
  created_at: number;
}

/** Webhook deliveries already accepted (GitHub X-GitHub-Delivery, GitLab X-Gitlab-Event-UUID). */
export interface WebhookDeliveriesTable {
  provider: string;
  delivery_id: string;
  received_at: number;
}

/** A commit an artifact contains (migration 008): its own, and those since the previous deployed build. */
export interface ArtifactCommitsTable {
  artifact_id: string;
  service: string;
  sha: string;
  committed_at: number;
}

/** A production problem (migration 008), opened by hand, by a failed verification, or by PagerDuty / Opsgenie. */
export interface IncidentsTable {
  id: string;
  title: string;
  summary: string | null;
  severity: string; // IncidentSeverity
  status: string; // "open" | "resolved"
  service: string | null;
  environment: string | null;
  source: string; // "manual" | "verification" | "pagerduty" | "opsgenie"
  /** The incident's id at its source (unique per source; the id itself for manual ones). */
  external_id: string;
  url: string | null;
  started_at: number;
  resolved_at: number | null;
  opened_by: string;
  resolved_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A deployment suspected of causing an incident. */
export interface IncidentDeploymentsTable {
  incident_id: string;
  deployment_id: string;
  linked_by: string;
  linked_at: number;
}

/** An alerting integration allowed to post incident webhooks, with its secret by reference. */
export interface IncidentSourcesTable {
  id: string;
  provider: string; // "pagerduty" | "opsgenie"
  name: string;
  secret_ref: string;
  service: string | null;
  environment: string | null;
  created_by: string;
  created_at: number;
}

/**
 * Daily counters per service × environment × UTC day (day = ms / 86 400 000). Service "*" sums
 * every service; environment "*" sums the production environments, "" holds what belongs to a
 * service but not an environment (pipeline runs, incidents, lead time to the first production deployment).
 */
export interface InsightsDailyTable {
  service: string;
  environment: string;
  day: number;
  production: number;
  /** DailyCounts as JSON. */
  counts_json: string;
}

/** Duration histograms (log buckets, with the exact min and max seen in each bucket), keyed like insights_daily. */
export interface InsightsHistTable {
  service: string;
  environment: string;
  metric: string;
  day: number;
  production: number;
  bucket: number;
  n: number;
  min_ms: number;
  max_ms: number;
}

/** One row (id = 1): rows changed after `watermark` (UTC ms) are not in the rollups yet. */
export interface InsightsStateTable {
  id: number;
  watermark: number;
}
