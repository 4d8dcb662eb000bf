import { z } from "zod";
import { badInput } from "../core/index.js";

/**
 * in-toto Statement v1: what an attestation says (`predicate`, of `predicateType`) about which
 * artifacts (`subject`, by digest). Slipway's artifacts are subjects by their sha256.
 */

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** The predicate of `artifact sign`: this release of this service is these bytes. */
export const RELEASE_PREDICATE_TYPE = "https://slipway.dev/attestation/release/v1";

const digestSet = z.record(z.string().min(1).max(64), z.string().min(1).max(256), { error: "expected digest, a map of algorithm to hex value" });

/** ResourceDescriptor as a subject: name and a digest set (other members are ignored). */
const subject = z.object({
  name: z.string().max(1024).optional(),
  uri: z.string().max(4096).optional(),
  digest: digestSet,
});

export const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE, { error: `expected _type ${STATEMENT_TYPE} (an in-toto Statement v1)` }),
  subject: z.array(subject).min(1, "the statement has no subject").max(1024),
  predicateType: z.string({ error: "expected predicateType, a URI" }).min(1).max(1024),
  predicate: z.record(z.string(), z.unknown()).optional(),
});
export type Statement = z.output<typeof statementSchema>;

/** The release predicate: it binds the provenance and SBOM stored beside the artifact. */
export interface ReleasePredicate {
  service: string;
  version: string;
  commit: string | null;
  /** sha256 hex of the attached provenance document, when there was one at signing time. */
  provenance?: { digest: { sha256: string } };
  sbom?: { digest: { sha256: string } };
}

/** Parses a statement from bytes or a value (`label` names it in messages). */
export function parseStatement(input: Uint8Array | unknown, label: string): Statement {
  let value = input;
  if (input instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(input).toString("utf8"));
    } catch (err) {
      throw badInput(`${label} is not JSON: ${(err as Error).message}`, { hint: "the payload must be an in-toto Statement v1 in JSON" });
    }
  }
  const parsed = statementSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`);
    throw badInput(`${label} is not an in-toto Statement v1: ${problems.join("; ")}`, { hint: `expected { _type: "${STATEMENT_TYPE}", subject: [{ name, digest: { sha256 } }], predicateType, predicate }` });
  }
  return parsed.data;
}

/** The sha256 digests a statement is about, lower-cased. */
export function subjectDigests(statement: Statement): string[] {
  return statement.subject.map((s) => s.digest.sha256?.toLowerCase()).filter((d): d is string => d !== undefined);
}

/** True when the statement names the artifact `hex` among its subjects. */
export function isAbout(statement: Statement, hex: string): boolean {
  return subjectDigests(statement).includes(hex);
}

/** A release statement about one artifact. */
export function releaseStatement(hex: string, name: string, predicate: ReleasePredicate): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: hex } }],
    predicateType: RELEASE_PREDICATE_TYPE,
    predicate: predicate as unknown as Record<string, unknown>,
  };
}

/** The subject name Slipway gives an artifact: `service-version.tgz`. */
export const artifactSubjectName = (service: string, version: string): string => `${service}-${version}.tgz`;
