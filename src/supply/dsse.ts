import { sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { badInput } from "../core/index.js";
import type { KeyAlgorithm } from "./keys.js";

/**
 * DSSE (Dead Simple Signing Envelope, v1.0.2): the signature is over
 * PAE(payloadType, payload) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, never over the
 * JSON around it. Verification returns the payload bytes it verified, and callers parse those
 * (never the envelope again), as the spec requires.
 */

/** The payload type of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** Limits that keep a hostile envelope small in memory: real ones are a few KiB. */
const MAX_PAYLOAD_B64 = 4 * 1024 * 1024;
const MAX_SIGNATURES = 16;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const b64 = (what: string, max: number) =>
  z
    .string({ error: `expected ${what} as a base64 string` })
    .max(max, `${what} is longer than ${max} characters`)
    .refine((s) => BASE64.test(s) && s.replace(/=+$/, "").length % 4 !== 1, `${what} is not valid base64 (standard or URL-safe)`);

/** The JSON envelope. Unknown members are ignored, as the spec asks of consumers. */
export const envelopeSchema = z.object({
  payloadType: z.string({ error: "expected payloadType, a string" }).min(1, "payloadType is empty").max(256),
  payload: b64("payload", MAX_PAYLOAD_B64),
  signatures: z
    .array(
      z.object({
        keyid: z.string().max(512).optional(),
        sig: b64("sig", 2048).refine((s) => s.length > 0, "sig is empty"),
      }),
      { error: "expected signatures, a list of { keyid, sig }" },
    )
    .min(1, "the envelope has no signatures")
    .max(MAX_SIGNATURES, `an envelope may carry at most ${MAX_SIGNATURES} signatures`),
});
export type Envelope = z.output<typeof envelopeSchema>;

/** PAE as the DSSE protocol defines it; lengths are byte lengths, in ASCII decimal. */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** Decodes standard or URL-safe base64, padded or not (the spec allows all of them). */
export function decodeBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Parses an envelope from JSON text or a value; `label` names it in messages. Malformed input
 * (not JSON, missing or mistyped members, bad base64, too many signatures) is bad_input.
 */
export function parseEnvelope(input: string | unknown, label: string): Envelope {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw badInput(`${label} is not JSON: ${(err as Error).message}`, { hint: "give a DSSE envelope: { payloadType, payload, signatures: [{ keyid, sig }] }" });
    }
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`);
    throw badInput(`${label} is not a valid DSSE envelope: ${problems.join("; ")}`, { hint: "give a DSSE envelope: { payloadType, payload (base64), signatures: [{ keyid, sig (base64) }] }" });
  }
  return parsed.data;
}

/** Signs `body` as a one-signature envelope. ECDSA signatures are ASN.1 DER, as cosign writes them. */
export function signEnvelope(payloadType: string, body: Uint8Array, key: KeyObject, algorithm: KeyAlgorithm, keyid: string): Envelope {
  const message = pae(payloadType, body);
  const sig = algorithm === "ed25519" ? sign(null, message, key) : sign("sha256", message, { key, dsaEncoding: "der" });
  return { payloadType, payload: Buffer.from(body).toString("base64"), signatures: [{ keyid, sig: sig.toString("base64") }] };
}

/**
 * True when `sig` is a valid signature of PAE(payloadType, payload) by `key`. ECDSA signatures
 * are accepted in ASN.1 DER (cosign, openssl) and as raw r‖s (IEEE P1363, the DSSE spec's own
 * test vector); a signature that parses in neither form is simply invalid.
 */
export function verifySignature(message: Buffer, sig: Buffer, key: KeyObject, algorithm: KeyAlgorithm): boolean {
  try {
    if (algorithm === "ed25519") return verify(null, message, key, sig);
    if (sig[0] === 0x30 && verify("sha256", message, { key, dsaEncoding: "der" }, sig)) return true;
    return sig.length === 64 && verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, sig);
  } catch {
    // Node throws on signatures it cannot even decode (wrong DER): that is an invalid signature.
    return false;
  }
}

/** One signature of an envelope, checked against a set of candidate keys. */
export interface EnvelopeSignatureCheck<K> {
  keyid: string | null;
  /** The candidate key whose public key verified the signature, if any. */
  verifiedBy: K | null;
}

/**
 * Checks every signature of an envelope against every candidate key. `keyid` is only a hint
 * (the spec forbids security decisions on it): a signature counts for the key that verifies it.
 * Returns the payload bytes that were verified, for the caller to parse.
 */
export function verifyEnvelope<K extends { key: KeyObject; algorithm: KeyAlgorithm }>(envelope: Envelope, candidates: readonly K[]): { payload: Buffer; signatures: EnvelopeSignatureCheck<K>[] } {
  const payload = decodeBase64(envelope.payload);
  const message = pae(envelope.payloadType, payload);
  const signatures = envelope.signatures.map((s) => {
    const sig = decodeBase64(s.sig);
    const verifiedBy = candidates.find((c) => verifySignature(message, sig, c.key, c.algorithm)) ?? null;
    return { keyid: s.keyid ? s.keyid : null, verifiedBy };
  });
  return { payload, signatures };
}
