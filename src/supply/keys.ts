import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { badInput } from "../core/index.js";

/**
 * Signing keys: ed25519 and ECDSA P-256 (the curve cosign uses), as PEM files. A private key
 * is PKCS#8 and stays with whoever signs (CI); the server only ever sees public keys (SPKI).
 * A key is named by its id, the sha256 of its SPKI DER bytes, the way sigstore tools do.
 */

export const KEY_ALGORITHMS = ["ed25519", "ecdsa-p256"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** Largest PEM file read as a key: real ones are a few hundred bytes. */
export const MAX_KEY_PEM_BYTES = 16 * 1024;

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** sha256 hex of the SPKI DER encoding. */
  keyId: string;
  /** The key re-encoded as SPKI PEM (one canonical text per key). */
  pem: string;
  key: KeyObject;
}

export interface PrivateKeyInfo {
  algorithm: KeyAlgorithm;
  keyId: string;
  key: KeyObject;
  publicPem: string;
}

export interface GeneratedKeyPair {
  algorithm: KeyAlgorithm;
  keyId: string;
  privatePem: string;
  publicPem: string;
}

const SUPPORTED_HINT = "use an ed25519 or ECDSA P-256 key (slipway keys create NAME [--type ecdsa-p256])";

/** A new key pair of the given algorithm. */
export function generateKeyPair(algorithm: KeyAlgorithm): GeneratedKeyPair {
  const pair = algorithm === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
  return {
    algorithm,
    keyId: keyIdOf(pair.publicKey),
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem,
  };
}

/** sha256 hex of a public key's SPKI DER bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** `SHA256:0123456789abcdef`, how a key id is shown to people. */
export const shortKeyId = (keyId: string): string => `SHA256:${keyId.slice(0, 16)}`;

/**
 * Parses a public key PEM (`label` names it in messages). Refuses, with bad_input: text that is
 * not one PEM `PUBLIC KEY` block, a private key (register the .pub file), truncated or corrupt
 * key bytes, and key types other than ed25519 and ECDSA P-256 (RSA, other curves, ed448).
 */
export function parsePublicKey(pem: string, label: string): PublicKeyInfo {
  const block = onePemBlock(pem, label);
  if (block.label !== "PUBLIC KEY") {
    const isPrivate = /PRIVATE KEY/.test(block.label);
    throw badInput(`${label} holds a ${block.label}, not a public key`, {
      hint: isPrivate ? "register the public half (the .pub file slipway keys create wrote); the private key stays with whoever signs" : "give a PEM file that starts with -----BEGIN PUBLIC KEY-----",
    });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: block.text, format: "pem" });
  } catch (err) {
    throw badInput(`${label} is not a readable public key: the key bytes are truncated or corrupt (${(err as Error).message})`, { cause: err, hint: "copy the whole .pub file, from BEGIN to END line" });
  }
  const algorithm = algorithmOf(key, label);
  return { algorithm, keyId: keyIdOf(key), pem: key.export({ type: "spki", format: "pem" }).toString(), key };
}

/** Parses a private key PEM (PKCS#8, or SEC1 for EC keys as openssl writes them). */
export function parsePrivateKey(pem: string, label: string): PrivateKeyInfo {
  const block = onePemBlock(pem, label);
  if (!/PRIVATE KEY$/.test(block.label)) {
    throw badInput(`${label} holds a ${block.label}, not a private key`, { hint: "sign with the private key file (NAME.key from slipway keys create), not the .pub" });
  }
  if (block.label.startsWith("ENCRYPTED")) throw badInput(`${label} is an encrypted private key`, { hint: "give an unencrypted PKCS#8 key file, readable only by the signer (mode 0600)" });
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.text, format: "pem" });
  } catch (err) {
    throw badInput(`${label} is not a readable private key: the key bytes are truncated or corrupt (${(err as Error).message})`, { cause: err, hint: "use the file slipway keys create wrote, unchanged" });
  }
  const algorithm = algorithmOf(key, label);
  const publicKey = createPublicKey(key);
  return { algorithm, keyId: keyIdOf(publicKey), key, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

function algorithmOf(key: KeyObject, label: string): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === "ed25519") return "ed25519";
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1") return "ecdsa-p256";
    throw badInput(`${label} is an ECDSA key on curve ${curve ?? "unknown"}; only P-256 (prime256v1) is supported`, { hint: SUPPORTED_HINT });
  }
  throw badInput(`${label} is a key of unsupported type ${type ?? "unknown"}`, { hint: SUPPORTED_HINT });
}

function onePemBlock(pem: string, label: string): { label: string; text: string } {
  if (Buffer.byteLength(pem) > MAX_KEY_PEM_BYTES) throw badInput(`${label} is larger than ${MAX_KEY_PEM_BYTES / 1024} KiB; a key file is a few hundred bytes`, { hint: "give the key file itself" });
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) {
    const begins = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
    throw badInput(begins ? `${label} is truncated: its ${begins[1]} block has no END line` : `${label} is not a PEM key file (no -----BEGIN … KEY----- line)`, {
      hint: "give the whole PEM file, from BEGIN to END line",
    });
  }
  if (blocks.length > 1) throw badInput(`${label} holds ${blocks.length} PEM blocks; give one key per file`);
  const [whole, name] = blocks[0]!;
  return { label: name!, text: whole };
}
