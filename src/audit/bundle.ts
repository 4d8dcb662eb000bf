/**
 * Evidence bundles: one deployment's record, self-contained and verifiable offline.
 *
 * A bundle carries three things (docs/audit.md describes the format for people):
 *
 * 1. A summary for people: service, environment, artifact (digest, commit, author), who
 *    deployed and why, every gate decision, approval and override, the state transitions,
 *    verification (steps with their results, analysis decisions with their numbers), timeline.
 * 2. `chain`: the audit events that prove it, as a *contiguous* segment of the global hash
 *    chain from the first evidence event to the chain head at export time, every event in
 *    full. A deployment's events are interleaved with other events in the chain, and an
 *    event's hash is `sha256(prevHash ‖ canonical content)`: a link can only be recomputed
 *    from the whole content of the event, so events in between cannot be reduced to a digest
 *    of their content. With every event present, a verifier recomputes every hash and every
 *    link up to the head; whoever holds the head hash (the live log's event `head.seq`, or a
 *    copy of it kept elsewhere) thereby knows that the evidence events are exactly the ones
 *    in the log, unedited, and that no event of the deployment was left out (every event with
 *    the deployment's subject after `deployment.created` lies in the segment).
 * 3. `bundleDigest`: sha256 over the canonical JSON of everything else. The file is written in
 *    one canonical layout (serializeEvidenceBundle), so a changed byte anywhere either changes
 *    the content (digest mismatch) or the layout (layout mismatch), or breaks the JSON.
 *
 * The summary is derived from the evidence events by the same functions here when the bundle
 * is built and when it is verified, so the summary cannot say anything the chain does not.
 * Steps' results and analysis decisions come from the engine's tables, not the chain: the
 * digest covers them, and each `step.done` event is checked against its step.
 *
 * Without a signature, a bundle alone cannot prove who produced it: someone able to rewrite
 * every event from the first evidence event to the head could produce a self-consistent
 * bundle with a different head hash. Comparing `chain.head` with the live log (or a head
 * hash recorded earlier) is what anchors it.
 */
import { createHash } from "node:crypto";
import { checkSupplySection, type SupplySection } from "./bundle-supply.js";
import { canonicalJson, GENESIS_HASH, hashEvent } from "./canonical.js";
import type { AuditEvent } from "./types.js";

export const EVIDENCE_FORMAT = "slipway.evidence/v1";
export const CHAIN_SCHEME = "hash = sha256_hex(prevHash || canonicalJson({action,actor,at,id,payload,seq,subject}))";
const HEX64 = /^[0-9a-f]{64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** One audit event as the bundle carries it: everything the hash covers, plus both hashes. */
export type BundleEvent = AuditEvent;

export interface BundleDeployment {
  id: string;
  service: string;
  environment: string;
  kind: string;
  strategy: string;
  version: string;
  digest: string;
  state: string;
  previousVersion: string | null;
  previousDigest: string | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface BundleArtifact {
  service: string;
  version: string;
  digest: string;
  commit: string | null;
  author: string | null;
  sizeBytes: number;
  pushedAt: number;
}

export interface BundleStep {
  idx: number;
  kind: string;
  params: unknown;
  state: string;
  result: unknown;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface BundleDecision {
  at: number;
  stepIdx: number;
  check: string;
  verdict: string;
  reason: string;
  numbers: unknown;
}

/** `seq` points at the full event in `chain.events`. */
export interface DeployedBy {
  seq: number;
  at: number;
  actor: string;
  reason: string | null;
}

export interface StateChange {
  seq: number;
  at: number;
  actor: string;
  from: string | null;
  to: string;
  error: string | null;
}

/**
 * One gate's decision. A `gate.*` event whose payload lists `gates` (the engine records
 * `{verdict, gates: [{gate, passed, outcome, facts, remedy?, overridden?}]}`) gives one entry
 * per listed gate; any other `gate.*` event gives one entry read from its payload.
 */
export interface GateDecision {
  seq: number;
  at: number;
  actor: string;
  action: string;
  /** The evaluation's overall verdict (pass / wait / refuse), when the event has one. */
  verdict: string | null;
  /** The gate's name (gate / name / rule), else null. */
  gate: string | null;
  passed: boolean | null;
  /** pass / wait / refuse / … (outcome / decision / result / verdict, else from passed). */
  decision: string | null;
  /** What the gate saw (facts / reason / message). */
  reason: string | null;
  remedy: string | null;
  overridden: boolean;
}

export interface ApprovalRecord {
  seq: number;
  at: number;
  action: string;
  /** payload.approver / by / user, else the event's actor. */
  approver: string;
  decision: string | null;
  /** The role the approver approved as, when recorded. */
  role: string | null;
  comment: string | null;
}

export interface OverrideRecord {
  seq: number;
  at: number;
  actor: string;
  action: string;
  reason: string | null;
  /** What was overridden (payload.override / gate / gates / kind), else null. */
  what: unknown;
}

export interface TimelineEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
}

export interface EvidenceChain {
  scheme: string;
  genesisHash: string;
  /** Subjects whose events are evidence (see evidenceSeqs). */
  subjects: string[];
  /** Seqs of the evidence events within `events`, ascending. */
  evidenceSeqs: number[];
  /** First and last seq of the segment; `to` is the head at export time. */
  from: number;
  to: number;
  head: { seq: number; hash: string };
  /** Every event from `from` to `to`, in seq order. */
  events: BundleEvent[];
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  generatedAt: number;
  generatedBy: string;
  service: string;
  environment: string;
  deployment: BundleDeployment;
  artifact: BundleArtifact;
  deployedBy: DeployedBy;
  states: StateChange[];
  gates: GateDecision[];
  approvals: ApprovalRecord[];
  overrides: OverrideRecord[];
  verification: { steps: BundleStep[]; decisions: BundleDecision[] };
  /** Provenance, SBOM digest and signature verification results (bundle-supply.ts); null when none was gathered. */
  supplyChain: SupplySection | null;
  timeline: TimelineEntry[];
  chain: EvidenceChain;
  /** `sha256:` + sha256_hex(canonicalJson(the bundle without this member)). */
  bundleDigest: string;
}

export interface EvidenceInput {
  deployment: BundleDeployment;
  artifact: BundleArtifact;
  steps: BundleStep[];
  decisions: BundleDecision[];
  supplyChain?: SupplySection | null;
  /** The segment: every event from the first evidence event to the head, in seq order. */
  segment: BundleEvent[];
  head: { seq: number; hash: string };
  generatedAt: number;
  generatedBy: string;
}

export const deploymentSubjectOf = (id: string) => `deployment/${id}`;
export const artifactSubjectOf = (service: string, version: string) => `artifact/${service}/${version}`;
export const serviceSubjectOf = (service: string) => `service/${service}`;

/** The three subjects whose events are a deployment's evidence. */
export function evidenceSubjects(d: { id: string; service: string; version: string }): string[] {
  return [deploymentSubjectOf(d.id), artifactSubjectOf(d.service, d.version), serviceSubjectOf(d.service)];
}

/**
 * Which events of a segment are evidence of deployment `id`: every event with the
 * deployment's subject or whose payload names the deployment (`deploymentId` / `deployment`),
 * and the artifact's and service's events up to the deployment's last event (its config and
 * artifact history, not later changes). Used by the exporter and the verifier alike.
 */
export function selectEvidence(segment: readonly BundleEvent[], id: string, subjects: readonly string[]): BundleEvent[] {
  const own = deploymentSubjectOf(id);
  const related = new Set(subjects.filter((s) => s !== own));
  let lastOwn = -1;
  for (const e of segment) if (e.subject === own || refersTo(e, id)) lastOwn = e.seq;
  return segment.filter((e) => e.subject === own || refersTo(e, id) || (related.has(e.subject) && e.seq <= lastOwn));
}

function refersTo(e: BundleEvent, id: string): boolean {
  const p = asRecord(e.payload);
  return p !== undefined && (p.deploymentId === id || p.deployment === id);
}

/** The parts of a bundle that are computed from its evidence events alone. */
export interface DerivedSummary {
  deployedBy: DeployedBy;
  states: StateChange[];
  gates: GateDecision[];
  approvals: ApprovalRecord[];
  overrides: OverrideRecord[];
  timeline: TimelineEntry[];
}

/** Derives the summary from the evidence events; undefined when deployment.created is missing. */
export function deriveSummary(evidence: readonly BundleEvent[], id: string): DerivedSummary | undefined {
  const own = deploymentSubjectOf(id);
  const created = evidence.find((e) => e.subject === own && e.action === "deployment.created");
  if (!created) return undefined;
  const p = asRecord(created.payload) ?? {};
  const states: StateChange[] = [];
  const gates: GateDecision[] = [];
  const approvals: ApprovalRecord[] = [];
  const overrides: OverrideRecord[] = [];
  for (const e of evidence) {
    const q = asRecord(e.payload) ?? {};
    if (e.subject === own && isTransition(e, q)) {
      states.push({ seq: e.seq, at: e.at, actor: e.actor, from: str(q.from), to: str(q.to)!, error: str(q.error) });
    } else if (e.action.startsWith("gate.")) {
      const verdict = str(q.verdict);
      const listed = Array.isArray(q.gates) ? q.gates.map(asRecord).filter((g): g is Record<string, unknown> => g !== undefined) : [];
      for (const g of listed.length > 0 ? listed : [q]) {
        gates.push({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          action: e.action,
          verdict: listed.length > 0 ? verdict : null,
          gate: str(g.gate) ?? str(g.name) ?? str(g.rule),
          passed: typeof g.passed === "boolean" ? g.passed : null,
          decision: str(g.outcome) ?? decisionOf(g),
          reason: str(g.facts) ?? str(g.reason) ?? str(g.message),
          remedy: str(g.remedy),
          overridden: g.overridden === true,
        });
      }
    } else if (e.action.startsWith("approval.")) {
      approvals.push({ seq: e.seq, at: e.at, action: e.action, approver: str(q.approver) ?? str(q.by) ?? str(q.user) ?? e.actor, decision: decisionOf(q) ?? lastPart(e.action), role: str(q.role), comment: str(q.comment) });
    } else if (isOverride(e.action)) {
      overrides.push({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, reason: str(q.reason), what: q.override ?? q.gate ?? q.gates ?? q.kind ?? null });
    }
  }
  return {
    deployedBy: { seq: created.seq, at: created.at, actor: created.actor, reason: str(p.reason) },
    states,
    gates,
    approvals,
    overrides,
    timeline: evidence.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject })),
  };
}

/** `deployment.<state>` events written by the engine's transition() carry {from, to}. */
function isTransition(e: BundleEvent, q: Record<string, unknown>): boolean {
  return e.action === `deployment.${String(q.to)}` && typeof q.to === "string";
}

export function isOverride(action: string): boolean {
  return action === "deployment.override" || action.endsWith(".override") || action.startsWith("override.");
}

function decisionOf(q: Record<string, unknown>): string | null {
  const named = str(q.decision) ?? str(q.result) ?? str(q.verdict) ?? str(q.outcome);
  if (named !== null) return named;
  if (q.passed === true || q.approved === true) return "passed";
  if (q.passed === false || q.approved === false) return "failed";
  return null;
}

const lastPart = (action: string) => action.slice(action.lastIndexOf(".") + 1);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** sha256 over the canonical JSON of the bundle without its `bundleDigest`, as `sha256:<hex>`. */
export function evidenceBundleDigest(bundle: object): string {
  const rest: Record<string, unknown> = { ...(bundle as Record<string, unknown>) };
  delete rest.bundleDigest;
  return `sha256:${createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex")}`;
}

/**
 * Assembles a bundle from data already read (pure: the store-facing part is exportEvidenceBundle).
 * `segment` must run from the first evidence event to the head without gaps.
 */
export function buildEvidenceBundle(input: EvidenceInput): EvidenceBundle {
  const { deployment: d } = input;
  const subjects = evidenceSubjects(d);
  const evidence = selectEvidence(input.segment, d.id, subjects);
  const summary = deriveSummary(evidence, d.id);
  if (!summary) throw new Error(`the audit segment has no deployment.created event for deployment ${d.id}`);
  const first = input.segment[0];
  const body: Omit<EvidenceBundle, "bundleDigest"> = {
    format: EVIDENCE_FORMAT,
    generatedAt: input.generatedAt,
    generatedBy: input.generatedBy,
    service: d.service,
    environment: d.environment,
    deployment: d,
    artifact: input.artifact,
    ...summary,
    verification: { steps: input.steps, decisions: input.decisions },
    supplyChain: input.supplyChain ?? null,
    chain: {
      scheme: CHAIN_SCHEME,
      genesisHash: GENESIS_HASH,
      subjects,
      evidenceSeqs: evidence.map((e) => e.seq),
      from: first?.seq ?? input.head.seq,
      to: input.head.seq,
      head: input.head,
      events: input.segment,
    },
  };
  // One canonical round trip, so the object returned is exactly what a verifier will parse.
  const normalized = JSON.parse(canonicalJson(body)) as Omit<EvidenceBundle, "bundleDigest">;
  return { ...normalized, bundleDigest: evidenceBundleDigest(normalized) };
}

/**
 * The one byte layout a bundle file has: the canonical value (keys sorted) indented by two
 * spaces, with a final newline. It is a function of the bundle's value, so verification can
 * demand it, and no byte of a bundle file can change without detection.
 */
export function serializeEvidenceBundle(bundle: unknown): string {
  return JSON.stringify(JSON.parse(canonicalJson(bundle)), null, 2) + "\n";
}

export interface BundleVerifyResult {
  ok: boolean;
  problems: string[];
  /** What was checked, when the bundle was readable enough to say. */
  summary?: { deployment: string; service: string; environment: string; events: number; evidence: number; head: { seq: number; hash: string } };
}

/**
 * Verifies a bundle file's bytes: UTF-8 JSON in the canonical layout, then verifyEvidenceBundle.
 * `invalid` is set when the bytes are not JSON at all (the CLI exits 2 for that).
 */
export function verifyEvidenceBundleBytes(bytes: Uint8Array): BundleVerifyResult & { invalid?: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, problems: ["the file is not valid UTF-8"], invalid: "the file is not valid UTF-8" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const why = `the file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, problems: [why], invalid: why };
  }
  const result = verifyEvidenceBundle(parsed);
  let layout: string | undefined;
  try {
    layout = serializeEvidenceBundle(parsed);
  } catch {
    layout = undefined; // not serializable canonically: verifyEvidenceBundle already said why
  }
  if (layout !== undefined && layout !== text) {
    const at = firstDifference(layout, text);
    result.problems.unshift(`the file is not in the bundle's canonical layout (first difference at character ${at}): it was edited or re-formatted after export`);
    result.ok = false;
  }
  return result;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * Verifies a parsed bundle with no server and no database. Checks, reporting every problem:
 * the format; the bundle digest; that the segment is contiguous and reaches its head; every
 * event's hash recomputed from its content and prevHash, and every link; that the evidence
 * events are exactly those the selection rule picks; and that every summary field agrees with
 * the evidence events (and, for steps, with the step.done events).
 */
export function verifyEvidenceBundle(json: unknown): BundleVerifyResult {
  const problems: string[] = [];
  const b = asRecord(json);
  if (!b) return { ok: false, problems: ["the bundle is not a JSON object"] };
  if (b.format !== EVIDENCE_FORMAT) {
    return { ok: false, problems: [`format is ${JSON.stringify(b.format)}; this verifier reads ${EVIDENCE_FORMAT}`] };
  }
  // 1. The digest over everything else.
  if (typeof b.bundleDigest !== "string" || !DIGEST.test(b.bundleDigest)) problems.push("bundleDigest is missing or not sha256:<64 hex digits>");
  else {
    let actual: string | undefined;
    try {
      actual = evidenceBundleDigest(b);
    } catch (err) {
      problems.push(`the bundle cannot be serialized canonically: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (actual !== undefined && actual !== b.bundleDigest) problems.push(`bundleDigest does not match the content (recomputed ${actual}): the bundle was changed after export`);
  }

  // 2. The chain segment.
  const chain = asRecord(b.chain);
  const events = checkChain(chain, problems);
  const d = asRecord(b.deployment);
  if (!chain || !events || !d || typeof d.id !== "string") {
    if (!d || typeof d.id !== "string") problems.push("deployment.id is missing");
    return { ok: false, problems };
  }

  // 3. Evidence selection and summary.
  const subjects = evidenceSubjects({ id: d.id, service: String(d.service), version: String(d.version) });
  if (canonicalJson(chain.subjects ?? null) !== canonicalJson(subjects)) problems.push(`chain.subjects should be ${JSON.stringify(subjects)}`);
  const evidence = selectEvidence(events, d.id, subjects);
  if (canonicalJson(chain.evidenceSeqs ?? null) !== canonicalJson(evidence.map((e) => e.seq))) {
    problems.push(`chain.evidenceSeqs does not list exactly the deployment's events in the segment (expected ${JSON.stringify(evidence.map((e) => e.seq))})`);
  }
  const summary = deriveSummary(evidence, d.id);
  if (!summary) {
    problems.push(`the chain segment has no deployment.created event for deployment/${d.id}, so it cannot show the deployment's whole record`);
  } else {
    const own = deploymentSubjectOf(d.id);
    const firstOwn = evidence.find((e) => e.subject === own);
    if (firstOwn && firstOwn.seq !== summary.deployedBy.seq) problems.push(`event ${firstOwn.seq} of deployment/${d.id} comes before its deployment.created event`);
    for (const key of ["deployedBy", "states", "gates", "approvals", "overrides", "timeline"] as const) {
      if (!sameJson(b[key], summary[key])) problems.push(`${key} does not agree with the audit events in the chain`);
    }
    checkDeploymentFacts(b, d, evidence, summary, problems);
  }
  checkSteps(b, evidence, d.id, problems);
  checkSupplySection(b.supplyChain, asRecord(b.artifact)?.digest, events, problems);

  return {
    ok: problems.length === 0,
    problems,
    summary: {
      deployment: d.id,
      service: String(d.service),
      environment: String(d.environment),
      events: events.length,
      evidence: evidence.length,
      head: { seq: Number(asRecord(chain.head)?.seq), hash: String(asRecord(chain.head)?.hash) },
    },
  };
}

/** Recomputes every hash and link of the segment; returns the events when they are well-formed. */
function checkChain(chain: Record<string, unknown> | undefined, problems: string[]): BundleEvent[] | undefined {
  if (!chain) {
    problems.push("chain is missing");
    return undefined;
  }
  if (chain.scheme !== CHAIN_SCHEME) problems.push("chain.scheme is not the scheme this verifier computes");
  if (chain.genesisHash !== GENESIS_HASH) problems.push("chain.genesisHash is not 64 zeros");
  const head = asRecord(chain.head);
  if (!head || !Number.isInteger(head.seq) || typeof head.hash !== "string" || !HEX64.test(head.hash)) {
    problems.push("chain.head must be {seq, hash}");
    return undefined;
  }
  if (!Array.isArray(chain.events) || chain.events.length === 0) {
    problems.push("chain.events must be a non-empty list");
    return undefined;
  }
  const events: BundleEvent[] = [];
  let shapeOk = true;
  chain.events.forEach((raw, i) => {
    const why = eventShapeProblem(raw);
    if (why) {
      problems.push(`chain.events[${i}] ${why}`);
      shapeOk = false;
    } else events.push(raw as BundleEvent);
  });
  if (!shapeOk) return undefined;
  const first = events[0]!;
  const last = events[events.length - 1]!;
  if (chain.from !== first.seq) problems.push(`chain.from is ${String(chain.from)} but the first event is ${first.seq}`);
  if (chain.to !== last.seq) problems.push(`chain.to is ${String(chain.to)} but the last event is ${last.seq}`);
  if (head.seq !== last.seq || head.hash !== last.hash) problems.push(`chain.head (event ${String(head.seq)}) is not the segment's last event (${last.seq})`);
  if (first.seq === 1 && first.prevHash !== GENESIS_HASH) problems.push("event 1 does not link to the start of the chain (its prevHash is not 64 zeros)");
  let prev: BundleEvent | undefined;
  for (const e of events) {
    if (prev) {
      if (e.seq !== prev.seq + 1) problems.push(`the segment is not contiguous: event ${e.seq} follows event ${prev.seq}`);
      else if (e.prevHash !== prev.hash) problems.push(`event ${e.seq} (${e.action}) does not link to event ${prev.seq}: its prevHash is not that event's hash`);
    }
    let expected: string | undefined;
    try {
      expected = hashEvent(e.prevHash, e);
    } catch (err) {
      problems.push(`event ${e.seq} cannot be hashed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (expected !== undefined && expected !== e.hash) problems.push(`event ${e.seq} (${e.action}): hash does not match its content (edited?)`);
    prev = e;
  }
  return events;
}

function eventShapeProblem(raw: unknown): string | undefined {
  const e = asRecord(raw);
  if (!e) return "is not an object";
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return "has no positive integer seq";
  if (!Number.isFinite(e.at)) return "has no numeric at";
  for (const k of ["id", "actor", "action", "subject"] as const) if (typeof e[k] !== "string") return `has no string ${k}`;
  if (!("payload" in e)) return "has no payload";
  for (const k of ["prevHash", "hash"] as const) if (typeof e[k] !== "string" || !HEX64.test(e[k])) return `has no ${k} of 64 hex digits`;
  const extra = Object.keys(e).filter((k) => !["seq", "id", "at", "actor", "action", "subject", "payload", "prevHash", "hash"].includes(k));
  return extra.length ? `has members the chain does not cover: ${extra.join(", ")}` : undefined;
}

/** The deployment and artifact facts against deployment.created, the transitions and artifact.pushed. */
function checkDeploymentFacts(b: Record<string, unknown>, d: Record<string, unknown>, evidence: BundleEvent[], summary: DerivedSummary, problems: string[]): void {
  const created = evidence.find((e) => e.seq === summary.deployedBy.seq)!;
  const p = asRecord(created.payload) ?? {};
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (!sameJson(actual, expected)) problems.push(`${what} is ${JSON.stringify(actual)} but the audit events say ${JSON.stringify(expected)}`);
  };
  expect("deployment.service", d.service, p.service);
  expect("deployment.environment", d.environment, p.environment);
  expect("deployment.version", d.version, p.version);
  expect("deployment.digest", d.digest, p.digest);
  expect("deployment.kind", d.kind, p.kind);
  expect("service", b.service, p.service);
  expect("environment", b.environment, p.environment);
  const last = summary.states[summary.states.length - 1];
  expect("deployment.state", d.state, last ? last.to : "queued");
  const running = summary.states.find((s) => s.to === "running");
  const runningPayload = running ? asRecord(evidence.find((e) => e.seq === running.seq)?.payload) : undefined;
  if (runningPayload && "previous" in runningPayload) expect("deployment.previousVersion", d.previousVersion, runningPayload.previous);
  const a = asRecord(b.artifact);
  if (!a) {
    problems.push("artifact is missing");
    return;
  }
  expect("artifact.digest", a.digest, p.digest);
  expect("artifact.version", a.version, p.version);
  expect("artifact.service", a.service, p.service);
  const pushed = evidence.filter((e) => e.action === "artifact.pushed" && e.subject === artifactSubjectOf(String(p.service), String(p.version)));
  for (const e of pushed) {
    const q = asRecord(e.payload) ?? {};
    expect(`artifact.digest (vs event ${e.seq})`, a.digest, q.digest);
    if ("commit" in q) expect(`artifact.commit (vs event ${e.seq})`, a.commit, q.commit);
    if ("author" in q) expect(`artifact.author (vs event ${e.seq})`, a.author, q.author);
  }
}

/** Every step.done event of the deployment must match a done step with the same parameters. */
function checkSteps(b: Record<string, unknown>, evidence: BundleEvent[], id: string, problems: string[]): void {
  const v = asRecord(b.verification);
  if (!v || !Array.isArray(v.steps) || !Array.isArray(v.decisions)) {
    problems.push("verification must be {steps: [...], decisions: [...]}");
    return;
  }
  const steps = new Map<number, Record<string, unknown>>();
  for (const s of v.steps) {
    const r = asRecord(s);
    if (r && Number.isInteger(r.idx)) steps.set(r.idx as number, r);
  }
  for (const e of evidence) {
    if (e.action !== "step.done" || e.subject !== deploymentSubjectOf(id)) continue;
    const { idx, ...params } = asRecord(e.payload) ?? {};
    const step = typeof idx === "number" ? steps.get(idx) : undefined;
    if (!step) problems.push(`event ${e.seq} records step ${String(idx)} as done, but the bundle has no such step`);
    else {
      if (step.state !== "done") problems.push(`step ${String(idx)} is ${String(step.state)} but event ${e.seq} records it as done`);
      if (!sameJson(step.params, params)) problems.push(`step ${String(idx)}'s params do not match event ${e.seq}`);
    }
  }
  for (const x of v.decisions) {
    const r = asRecord(x);
    if (!r || !["pass", "fail", "inconclusive"].includes(String(r.verdict))) problems.push("a verification decision has no pass/fail/inconclusive verdict");
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null);
  } catch {
    return false;
  }
}
