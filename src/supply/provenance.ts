import { z } from "zod";
import { badInput } from "../core/index.js";
import { formatDigest } from "./names.js";
import { isAbout, STATEMENT_TYPE, subjectDigests, type Statement } from "./statement.js";

/**
 * SLSA Provenance v1: how an artifact was built (buildDefinition) and by what (runDetails),
 * carried as the predicate of an in-toto Statement v1 whose subject is the artifact.
 */

export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/** The buildType of provenance that `slipway pipeline run` writes. */
export const SLIPWAY_BUILD_TYPE = "https://slipway.dev/pipeline-run/v1";

const resourceDescriptor = z.object({
  uri: z.string().max(4096).optional(),
  name: z.string().max(1024).optional(),
  digest: z.record(z.string(), z.string()).optional(),
});
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an RFC 3339 timestamp");

export const provenancePredicateSchema = z.object({
  buildDefinition: z.object({
    buildType: z.string({ error: "expected buildDefinition.buildType, a URI" }).min(1),
    externalParameters: z.record(z.string(), z.unknown(), { error: "expected buildDefinition.externalParameters, an object" }),
    internalParameters: z.record(z.string(), z.unknown()).optional(),
    resolvedDependencies: z.array(resourceDescriptor).max(100_000).optional(),
  }),
  runDetails: z.object({
    builder: z.object({
      id: z.string({ error: "expected runDetails.builder.id, a URI" }).min(1),
      version: z.record(z.string(), z.string()).optional(),
      builderDependencies: z.array(resourceDescriptor).optional(),
    }),
    metadata: z.object({ invocationId: z.string().optional(), startedOn: timestamp.optional(), finishedOn: timestamp.optional() }).optional(),
    byproducts: z.array(resourceDescriptor).optional(),
  }),
});
export type ProvenancePredicate = z.output<typeof provenancePredicateSchema>;

/** What people and gates read from a provenance document. */
export interface ProvenanceSummary {
  buildType: string;
  builderId: string;
  invocationId: string | null;
  startedOn: string | null;
  finishedOn: string | null;
  repository: string | null;
  ref: string | null;
  commit: string | null;
  dependencies: number;
}

/** Checks a statement is SLSA v1 provenance about artifact `hex`, and summarizes it. */
export function checkProvenance(statement: Statement, hex: string, label: string): { predicate: ProvenancePredicate; summary: ProvenanceSummary } {
  if (statement.predicateType !== SLSA_PROVENANCE_V1) {
    throw badInput(`${label} has predicateType ${statement.predicateType}, not SLSA Provenance v1`, { hint: `provenance must be an in-toto Statement with predicateType ${SLSA_PROVENANCE_V1}` });
  }
  if (!isAbout(statement, hex)) {
    const named = subjectDigests(statement).map(formatDigest);
    throw badInput(`${label} is about ${named.length ? named.join(", ") : "no sha256 digest"}, not this artifact ${formatDigest(hex)}`, {
      hint: "attach the provenance generated for these exact bytes (the subject digest must equal the artifact's)",
    });
  }
  const parsed = provenancePredicateSchema.safeParse(statement.predicate ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `predicate.${i.path.join(".")}: ${i.message}`);
    throw badInput(`${label} is not valid SLSA Provenance v1: ${problems.join("; ")}`, { hint: "see https://slsa.dev/spec/v1.0/provenance for the required fields" });
  }
  return { predicate: parsed.data, summary: summarize(parsed.data) };
}

function summarize(p: ProvenancePredicate): ProvenanceSummary {
  const ext = p.buildDefinition.externalParameters;
  const workflow = asRecord(ext.workflow);
  const source = p.buildDefinition.resolvedDependencies?.find((d) => d.uri?.startsWith("git+"));
  const fromUri = source?.uri ? /^git\+(.+?)(?:@(.+))?$/.exec(source.uri) : null;
  return {
    buildType: p.buildDefinition.buildType,
    builderId: p.runDetails.builder.id,
    invocationId: p.runDetails.metadata?.invocationId ?? null,
    startedOn: p.runDetails.metadata?.startedOn ?? null,
    finishedOn: p.runDetails.metadata?.finishedOn ?? null,
    repository: str(ext.repository) ?? str(workflow?.repository) ?? fromUri?.[1] ?? null,
    ref: str(ext.ref) ?? str(workflow?.ref) ?? fromUri?.[2] ?? null,
    commit: str(ext.commit) ?? source?.digest?.gitCommit ?? source?.digest?.sha1 ?? null,
    dependencies: p.buildDefinition.resolvedDependencies?.length ?? 0,
  };
}

/** True when two commit ids name the same commit (one may be abbreviated). */
export function sameCommit(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.length >= 7 && y.length >= 7 && (x.startsWith(y) || y.startsWith(x));
}

/** What `slipway pipeline run` knows about a build, for its provenance. */
export interface BuildFacts {
  digest: string;
  subjectName: string;
  builderId: string;
  builderVersion: Record<string, string>;
  invocationId: string;
  startedOn: number;
  finishedOn: number;
  repository: string | null;
  ref: string | null;
  commit: string | null;
  service: string;
  version: string;
  configFile: string;
  stages: { name: string; run: string }[];
  /** Inputs beyond the source: lock files and the like, by sha256. */
  dependencies: { uri: string; sha256: string }[];
}

/** A SLSA v1 provenance statement for a build the runner did. */
export function buildProvenance(b: BuildFacts): Statement {
  const source = b.repository && b.commit ? [{ uri: `git+${b.repository}${b.ref ? `@${b.ref}` : ""}`, digest: { gitCommit: b.commit } }] : [];
  const predicate: ProvenancePredicate = {
    buildDefinition: {
      buildType: SLIPWAY_BUILD_TYPE,
      externalParameters: { repository: b.repository, ref: b.ref, commit: b.commit, config: b.configFile, service: b.service, version: b.version },
      internalParameters: { stages: b.stages },
      resolvedDependencies: [...source, ...b.dependencies.map((d) => ({ uri: d.uri, digest: { sha256: d.sha256 } }))],
    },
    runDetails: {
      builder: { id: b.builderId, version: b.builderVersion },
      metadata: { invocationId: b.invocationId, startedOn: new Date(b.startedOn).toISOString(), finishedOn: new Date(b.finishedOn).toISOString() },
    },
  };
  return { _type: STATEMENT_TYPE, subject: [{ name: b.subjectName, digest: { sha256: b.digest } }], predicateType: SLSA_PROVENANCE_V1, predicate: predicate as unknown as Record<string, unknown> };
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
