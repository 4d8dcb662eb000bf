import type { Kysely, Transaction } from "kysely";
import { notFound, systemClock, type Clock } from "../core/index.js";
import { getDeployment, listSteps } from "../store/index.js";
import type { Database, Store } from "../store/index.js";
import { rowToArtifact } from "../supply/index.js";
import { buildSupplySection } from "./bundle-supply.js";
import { artifactSubjectOf, buildEvidenceBundle, deploymentSubjectOf, type BundleDecision, type BundleEvent, type EvidenceBundle } from "./bundle.js";
import { getAuditHead, listAuditEvents, MAX_AUDIT_PAGE, type ListAuditOptions } from "./list.js";

export interface ExportEvidenceOptions {
  clock?: Clock;
  /** Who asked for the bundle (recorded in it). */
  actor?: string;
}

/**
 * Reads deployment `id`'s record and the audit chain segment that proves it, and builds its
 * evidence bundle. Everything is read in one transaction (REPEATABLE READ on PostgreSQL), so
 * the deployment row, its steps and the chain up to the head are one consistent picture.
 *
 * The segment starts at the artifact's first event (its push: digest, commit, author) or the
 * deployment's first event, whichever is earlier, and ends at the chain head. Its size grows
 * with the events written since that start. The service's earlier events (when its
 * slipway.yaml was applied) are left out on purpose: they can lie arbitrarily far back, and
 * the config the deployment ran with is frozen in the deployment itself.
 */
export async function exportEvidenceBundle(store: Store, id: string, options: ExportEvidenceOptions = {}): Promise<EvidenceBundle> {
  const clock = options.clock ?? systemClock;
  let tx = store.db.transaction();
  if (store.dialect === "postgres") tx = tx.setIsolationLevel("repeatable read");
  return tx.execute(async (trx) => {
    const d = await getDeployment(trx, id);
    const artifactRow = await trx.selectFrom("artifacts").selectAll().where("id", "=", d.artifactId).executeTakeFirst();
    if (!artifactRow) throw notFound(`the artifact of deployment ${id} (${d.service} ${d.version}) is gone`);
    const artifact = rowToArtifact(artifactRow);
    const steps = await listSteps(trx, id);
    const decisionRows = await trx.selectFrom("decisions").selectAll().where("deployment_id", "=", id).orderBy("at").orderBy("id").execute();
    const decisions: BundleDecision[] = decisionRows.map((r) => {
      const detail = JSON.parse(r.detail_json) as { numbers?: unknown; reason?: string };
      return { at: Number(r.at), stepIdx: r.step_idx, check: r.check_name, verdict: r.verdict, reason: detail.reason ?? "", numbers: detail.numbers ?? null };
    });

    const db = trx as unknown as Kysely<Database>;
    const head = await getAuditHead(db);
    const [created] = await listAuditEvents(db, { subject: deploymentSubjectOf(id), limit: 1 });
    if (!created) throw notFound(`deployment ${id} has no audit events`, { hint: "run `slipway audit verify`: the log may have been tampered with" });
    const [artifactFirst] = await listAuditEvents(db, { subject: artifactSubjectOf(d.service, d.version), beforeSeq: created.seq, limit: 1 });
    const from = Math.min(created.seq, artifactFirst?.seq ?? Infinity);
    const segment = await readAll(db, { afterSeq: from - 1, beforeSeq: head.seq + 1 });

    return buildEvidenceBundle({
      deployment: {
        id: d.id,
        service: d.service,
        environment: d.environment,
        kind: d.kind,
        strategy: d.strategy,
        version: d.version,
        digest: d.digest,
        state: d.state,
        previousVersion: d.previousVersion,
        previousDigest: d.previousDigest,
        error: d.error,
        createdAt: Number(d.createdAt),
        startedAt: d.startedAt === null ? null : Number(d.startedAt),
        finishedAt: d.finishedAt === null ? null : Number(d.finishedAt),
      },
      artifact: {
        service: artifact.service,
        version: artifact.version,
        digest: artifact.digest,
        commit: artifact.commit,
        author: artifact.author,
        sizeBytes: artifact.sizeBytes,
        pushedAt: artifact.createdAt,
      },
      steps: steps.map((s) => ({
        idx: s.idx,
        kind: s.params.kind,
        params: s.params,
        state: s.state,
        result: s.result,
        startedAt: s.startedAt === null ? null : Number(s.startedAt),
        finishedAt: s.finishedAt === null ? null : Number(s.finishedAt),
      })),
      decisions,
      supplyChain: await buildSupplySection({ db }, artifact),
      segment,
      head,
      generatedAt: clock.now(),
      generatedBy: options.actor ?? "slipway",
    });
  });
}

/** Every event matching `options`, in seq order, one page at a time. */
async function readAll(db: Kysely<Database> | Transaction<Database>, options: ListAuditOptions): Promise<BundleEvent[]> {
  const out: BundleEvent[] = [];
  let afterSeq = options.afterSeq ?? 0;
  for (;;) {
    const page = await listAuditEvents(db as Kysely<Database>, { ...options, afterSeq, limit: MAX_AUDIT_PAGE });
    out.push(...page);
    if (page.length < MAX_AUDIT_PAGE) return out;
    afterSeq = page[page.length - 1]!.seq;
  }
}
