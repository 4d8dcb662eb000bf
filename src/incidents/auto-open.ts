/**
 * A production deployment that fails verification opens an incident by itself, linked to it
 * (per environment: `incidents: { on_failed_verification, severity }`, on by default for
 * production environments). It follows the audit log, so it sees deployments any instance runs;
 * the incident is keyed by the deployment, so several instances following the log open one.
 */
import type { AuditEvent, AuditFeed } from "../audit/index.js";
import type { Clock, EnvironmentConfig } from "../core/index.js";
import { isProductionEnv } from "../insights/index.js";
import type { Store } from "../store/index.js";
import { openIncident } from "./repo.js";
import type { Incident } from "./types.js";

export function followFailedVerifications(feed: AuditFeed, store: Store, clock: Clock, onError: (err: unknown) => void): () => void {
  return feed.follow({}, (event) => {
    if (!isFailedVerification(event)) return;
    openForFailedVerification(store, clock, event).catch(onError);
  });
}

function isFailedVerification(e: AuditEvent): boolean {
  if (e.action !== "deployment.rolling_back" && e.action !== "deployment.failed") return false;
  const p = e.payload as Record<string, unknown> | null;
  return p?.cause === "verification";
}

/** Opens the incident of a failed verification event, when its environment asks for one; returns it (null: not asked for). */
export async function openForFailedVerification(store: Store, clock: Clock, e: AuditEvent): Promise<Incident | null> {
  const id = e.subject.slice("deployment/".length);
  const d = await store.db.selectFrom("deployments").select(["id", "service", "environment", "version", "env_config_json", "error"]).where("id", "=", id).executeTakeFirst();
  if (!d) return null;
  const env = (JSON.parse(d.env_config_json) as { environment?: EnvironmentConfig }).environment;
  if (!isProductionEnv(d.environment, env)) return null;
  const settings = env?.incidents ?? { on_failed_verification: true, severity: "sev2" as const };
  if (!settings.on_failed_verification) return null;
  const { incident } = await openIncident(store, clock, {
    title: `${d.service} ${d.version} failed verification in ${d.environment}`,
    summary: d.error ?? (typeof (e.payload as Record<string, unknown>).error === "string" ? String((e.payload as Record<string, unknown>).error) : null),
    severity: settings.severity,
    service: d.service,
    environment: d.environment,
    source: "verification",
    externalId: d.id,
    startedAt: e.at,
    actor: "slipway",
    deployments: [d.id],
  });
  return incident;
}
