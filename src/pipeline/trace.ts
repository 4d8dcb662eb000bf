import { badInput, notFound } from "../core/index.js";
import type { Store } from "../store/index.js";
import { listArtifactsByDigest, supplyFacts, type ProvenanceFact, type SbomFact, type SignatureFact } from "../supply/index.js";
import { listRuns, rowToRun } from "./runs-repo.js";
import type { PipelineRun } from "./types.js";

/**
 * The chain from a commit to production, for `slipway trace`: commit → pipeline runs (stages,
 * durations, result) → artifacts (digest, SBOM, provenance builder, signatures checked now) →
 * every deployment of each artifact in every environment → approvals and overrides.
 */

export interface TraceDeployment {
  id: string;
  environment: string;
  kind: string;
  state: string;
  actor: string;
  reason: string | null;
  createdAt: number;
  finishedAt: number | null;
  approvals: { by: string; role: string; decision: string; at: number; comment: string | null }[];
  override: { by: string; reason: string } | null;
}

export interface TraceArtifact {
  service: string;
  version: string;
  digest: string;
  commit: string | null;
  author: string | null;
  pushedAt: number;
  provenance: ProvenanceFact | null;
  sbom: SbomFact | null;
  signatures: SignatureFact[];
  scans: { tool: string; counts: Record<string, number> }[];
  deployments: TraceDeployment[];
}

export interface Trace {
  ref: string;
  kind: "digest" | "commit" | "deployment";
  commits: string[];
  runs: PipelineRun[];
  artifacts: TraceArtifact[];
}

const DIGEST = /^(sha256:)?[0-9a-f]{64}$/i;
const COMMIT = /^[0-9a-f]{7,40}$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Traces a digest (sha256:…), a commit (7–40 hex digits) or a deployment id. */
export async function trace(store: Store, ref: string): Promise<Trace> {
  const { kind, digests } = await resolveRef(store, ref);
  const artifacts: TraceArtifact[] = [];
  for (const digest of digests) artifacts.push(...(await traceDigest(store, digest)));
  const commits = [...new Set([...(kind === "commit" ? [ref.toLowerCase()] : []), ...artifacts.flatMap((a) => [a.commit, a.provenance?.commit]).filter((c): c is string => !!c)])];
  const runs = await runsOf(store, commits, artifacts);
  return { ref, kind, commits, runs, artifacts };
}

async function resolveRef(store: Store, ref: string): Promise<{ kind: Trace["kind"]; digests: string[] }> {
  if (DIGEST.test(ref)) {
    const hex = ref.toLowerCase().replace(/^sha256:/, "");
    if ((await listArtifactsByDigest(store, hex)).length === 0) throw notFound(`no artifact has digest sha256:${hex}`);
    return { kind: "digest", digests: [hex] };
  }
  if (ULID.test(ref)) {
    const d = await store.db.selectFrom("deployments").select("digest").where("id", "=", ref).executeTakeFirst();
    if (!d) throw notFound(`no deployment ${ref}`, { hint: "give a deployment id, an artifact digest (sha256:…) or a commit" });
    return { kind: "deployment", digests: [d.digest] };
  }
  if (COMMIT.test(ref)) {
    const rows = await store.db.selectFrom("artifacts").select("digest").where("commit_sha", "like", `${ref.toLowerCase()}%`).execute();
    const runs = await listRuns(store, { commit: ref, limit: 50 });
    if (rows.length === 0 && runs.length === 0) throw notFound(`nothing is known about commit ${ref}`, { hint: "no artifact was pushed with it and no pipeline run built it" });
    return { kind: "commit", digests: [...new Set([...rows.map((r) => r.digest), ...runs.map((r) => r.artifactDigest).filter((d): d is string => !!d)])] };
  }
  throw badInput(`${JSON.stringify(ref)} is neither a digest, a commit nor a deployment id`, { hint: "give sha256:<64 hex>, a commit SHA (7 to 40 hex digits) or a deployment id" });
}

async function traceDigest(store: Store, digest: string): Promise<TraceArtifact[]> {
  const artifacts = await listArtifactsByDigest(store, digest);
  const out: TraceArtifact[] = [];
  for (const a of artifacts) {
    const facts = await supplyFacts(store, digest, a.service);
    out.push({
      service: a.service,
      version: a.version,
      digest,
      commit: a.commit,
      author: a.author,
      pushedAt: a.createdAt,
      provenance: facts.provenance,
      sbom: facts.sbom,
      signatures: facts.signatures,
      scans: facts.scans.map((s) => ({ tool: s.tool, counts: s.counts })),
      deployments: await deploymentsOf(store, a.id),
    });
  }
  return out;
}

async function deploymentsOf(store: Store, artifactId: string): Promise<TraceDeployment[]> {
  const rows = await store.db.selectFrom("deployments").selectAll().where("artifact_id", "=", artifactId).orderBy("created_at").orderBy("id").execute();
  const approvals = rows.length ? await store.db.selectFrom("approvals").selectAll().where("deployment_id", "in", rows.map((r) => r.id)).orderBy("at").execute() : [];
  return rows.map((d) => ({
    id: d.id,
    environment: d.environment,
    kind: d.kind,
    state: d.state,
    actor: d.actor,
    reason: d.reason,
    createdAt: Number(d.created_at),
    finishedAt: d.finished_at === null ? null : Number(d.finished_at),
    approvals: approvals.filter((x) => x.deployment_id === d.id).map((x) => ({ by: x.by, role: x.role, decision: x.decision, at: Number(x.at), comment: x.comment })),
    override: d.override_by ? { by: d.override_by, reason: d.override_reason ?? "" } : null,
  }));
}

/** The runs that built these artifacts: by digest, by the provenance's invocation id, or by commit. */
async function runsOf(store: Store, commits: string[], artifacts: TraceArtifact[]): Promise<PipelineRun[]> {
  const found = new Map<string, PipelineRun>();
  for (const digest of new Set(artifacts.map((a) => a.digest))) for (const r of await listRuns(store, { artifactDigest: digest })) found.set(r.id, r);
  const invocations = artifacts.map((a) => a.provenance?.invocationId).filter((i): i is string => !!i);
  if (invocations.length) {
    const rows = await store.db.selectFrom("pipeline_runs").selectAll().where((eb) => eb.or([eb("id", "in", invocations), eb("external_id", "in", invocations)])).execute();
    for (const r of rows) found.set(r.id, rowToRun(r));
  }
  for (const c of commits) for (const r of await listRuns(store, { commit: c, limit: 20 })) found.set(r.id, r);
  return [...found.values()].sort((a, b) => a.createdAt - b.createdAt);
}
