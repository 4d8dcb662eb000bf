import type { Access } from "../../src/api/index.js";

/**
 * How a route decides what it acts on, for the scope dimension of the matrix:
 * - "path": a service named in the path; a token scoped to another service is refused (403);
 * - "all": every service; scoped tokens may read (viewer routes), never change (403);
 * - "lookup": a record the path names (a deployment, digest, run), looked up before the check;
 * - "input": a service or environment named in the body or query;
 * - "unscoped": reads across every service that a token limited to one service may not make
 *   (the audit log lists other services' events): scoped tokens are refused (403).
 */
export type ScopeKind = "path" | "all" | "lookup" | "input" | "unscoped";

/**
 * Every route of the API with its role and scope kind. A route added without a row here (or
 * one whose role changed) fails the matrix test: decide and write down who may call it.
 */
export const ROUTE_TABLE: Record<string, { access: Access; scope: ScopeKind }> = {
  "GET /healthz": { access: "public", scope: "all" },
  "GET /readyz": { access: "public", scope: "all" },
  "GET /api/v1/openapi.json": { access: "public", scope: "all" },
  "GET /api/v1/audit/verify": { access: "viewer", scope: "all" },
  "POST /api/v1/services": { access: "deployer", scope: "input" },
  "POST /api/v1/lint": { access: "viewer", scope: "all" },
  "GET /api/v1/services": { access: "viewer", scope: "all" },
  "GET /api/v1/services/{name}": { access: "viewer", scope: "path" },
  "PUT /api/v1/artifacts/{service}/{version}": { access: "deployer", scope: "path" },
  "GET /api/v1/artifacts/{service}": { access: "viewer", scope: "path" },
  "GET /api/v1/artifacts/by-digest/{digest}": { access: "viewer", scope: "lookup" },
  "GET /api/v1/artifacts/by-digest/{digest}/attachments/{id}": { access: "viewer", scope: "lookup" },
  "GET /api/v1/artifacts/by-digest/{digest}/verify": { access: "viewer", scope: "lookup" },
  "POST /api/v1/artifacts/by-digest/{digest}/signatures": { access: "deployer", scope: "lookup" },
  "POST /api/v1/artifacts/by-digest/{digest}/provenance": { access: "deployer", scope: "lookup" },
  "POST /api/v1/artifacts/by-digest/{digest}/sbom": { access: "deployer", scope: "lookup" },
  "POST /api/v1/artifacts/by-digest/{digest}/scans": { access: "deployer", scope: "lookup" },
  "POST /api/v1/keys": { access: "admin", scope: "all" },
  "GET /api/v1/keys": { access: "viewer", scope: "all" },
  "POST /api/v1/keys/{name}/revoke": { access: "admin", scope: "all" },
  "POST /api/v1/deployments": { access: "deployer", scope: "input" },
  "POST /api/v1/rollbacks": { access: "deployer", scope: "input" },
  "GET /api/v1/deployments": { access: "viewer", scope: "input" },
  "GET /api/v1/deployments/{id}": { access: "viewer", scope: "lookup" },
  "POST /api/v1/deployments/{id}/cancel": { access: "deployer", scope: "lookup" },
  "POST /api/v1/deployments/{id}/approve": { access: "approver", scope: "lookup" },
  "POST /api/v1/deployments/{id}/reject": { access: "approver", scope: "lookup" },
  "GET /api/v1/deployments/{id}/events": { access: "viewer", scope: "lookup" },
  "GET /api/v1/deployments/{id}/evidence": { access: "viewer", scope: "lookup" },
  "GET /api/v1/status": { access: "viewer", scope: "input" },
  "GET /api/v1/cluster": { access: "viewer", scope: "all" },
  "POST /api/v1/promotions": { access: "deployer", scope: "input" },
  "GET /api/v1/gates": { access: "viewer", scope: "input" },
  "POST /api/v1/tokens": { access: "admin", scope: "all" },
  "GET /api/v1/tokens": { access: "admin", scope: "all" },
  "DELETE /api/v1/tokens/{id}": { access: "admin", scope: "all" },
  "GET /api/v1/changes": { access: "viewer", scope: "input" },
  "POST /api/v1/pipeline-runs": { access: "deployer", scope: "input" },
  "GET /api/v1/pipeline-runs": { access: "viewer", scope: "all" },
  "GET /api/v1/pipeline-runs/{id}": { access: "viewer", scope: "lookup" },
  "GET /api/v1/pipeline-runs/{id}/log": { access: "viewer", scope: "lookup" },
  "PUT /api/v1/pipeline-runs/{id}/log": { access: "deployer", scope: "lookup" },
  "GET /api/v1/trace": { access: "viewer", scope: "all" },
  "GET /api/v1/notifications": { access: "viewer", scope: "all" },
  "GET /api/v1/notifications/failed": { access: "viewer", scope: "all" },
  "POST /api/v1/notifications/{id}/retry": { access: "admin", scope: "all" },
  "GET /metrics": { access: "viewer", scope: "all" },
  "GET /api/v1/metrics/dora": { access: "viewer", scope: "input" },
  "GET /api/v1/metrics/kpis": { access: "viewer", scope: "input" },
  "GET /api/v1/metrics/dora/series": { access: "viewer", scope: "input" },
  "POST /api/v1/artifacts/{service}/{version}/commits": { access: "deployer", scope: "path" },
  "POST /api/v1/incidents": { access: "deployer", scope: "input" },
  "GET /api/v1/incidents": { access: "viewer", scope: "input" },
  "GET /api/v1/incidents/{id}": { access: "viewer", scope: "lookup" },
  "POST /api/v1/incidents/{id}/resolve": { access: "deployer", scope: "lookup" },
  "POST /api/v1/incidents/{id}/links": { access: "deployer", scope: "lookup" },
  "GET /api/v1/incidents/{id}/timeline": { access: "viewer", scope: "lookup" },
  "POST /api/v1/incident-sources": { access: "admin", scope: "all" },
  "GET /api/v1/incident-sources": { access: "admin", scope: "all" },
  "DELETE /api/v1/incident-sources/{provider}/{name}": { access: "admin", scope: "all" },
  "POST /api/v1/webhooks/pagerduty/{name}": { access: "public", scope: "all" },
  "POST /api/v1/webhooks/opsgenie/{name}": { access: "public", scope: "all" },
  "GET /api/v1/whoami": { access: "viewer", scope: "all" },
  "GET /api/v1/matrix": { access: "viewer", scope: "all" },
  "GET /api/v1/audit/events": { access: "viewer", scope: "unscoped" },
  "GET /api/v1/deployments/{id}/logs": { access: "viewer", scope: "lookup" },
  "POST /api/v1/deployments/{id}/events/ticket": { access: "viewer", scope: "lookup" },
  "GET /api/v1/triage/clusters": { access: "viewer", scope: "all" },
  "POST /api/v1/webhook-sources": { access: "admin", scope: "all" },
  "GET /api/v1/webhook-sources": { access: "admin", scope: "all" },
  "DELETE /api/v1/webhook-sources/{id}": { access: "admin", scope: "all" },
  "POST /api/v1/webhooks/github": { access: "public", scope: "all" },
  "POST /api/v1/webhooks/gitlab": { access: "public", scope: "all" },
  "POST /api/v1/triage": { access: "viewer", scope: "all" },
  "POST /api/v1/triage/log": { access: "viewer", scope: "all" },
  "POST /api/v1/triage/confirm": { access: "deployer", scope: "all" },
};
