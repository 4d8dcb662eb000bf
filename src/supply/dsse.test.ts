import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeBase64, generateKeyPair, pae, parseEnvelope, parsePrivateKey, parsePublicKey, parseStatement, signEnvelope, verifyEnvelope, type KeyAlgorithm } from "./index.js";

const FIXTURES = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "test", "fixtures", "supply", "openssl");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

/** A base64url big-endian 32-byte integer, for a JWK. */
const b64u = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex").toString("base64url");

describe("DSSE spec test vectors (secure-systems-lab/dsse protocol.md and implementation/signing_spec.py)", () => {
  test("PAE of the spec's example", () => {
    assert.equal(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString(), "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });

  test("PAE lengths are byte lengths, with no leading zeros", () => {
    assert.equal(pae("", Buffer.alloc(0)).toString(), "DSSEv1 0  0 ");
    assert.deepEqual(pae("é", Buffer.from([0xff])), Buffer.concat([Buffer.from("DSSEv1 2 é 1 "), Buffer.from([0xff])]));
  });

  // The spec's key (P-256, given as integers) and its signature (raw r‖s, deterministic RFC 6979).
  const specKey = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: b64u(46950820868899156662930047687818585632848591499744589407958293238635476079160n),
      y: b64u(5640078356564379163099075877009565129882514886557779369047442380624545832820n),
    },
    format: "jwk",
  });
  const specEnvelope = {
    payload: "aGVsbG8gd29ybGQ=",
    payloadType: "http://example.com/HelloWorld",
    signatures: [{ keyid: "66301bbf", sig: "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==" }],
  };

  test("the spec's envelope verifies with the spec's key, and yields the verified payload", () => {
    const envelope = parseEnvelope(JSON.stringify(specEnvelope), "spec envelope");
    const result = verifyEnvelope(envelope, [{ name: "mykey", key: specKey, algorithm: "ecdsa-p256" as const }]);
    assert.equal(result.payload.toString(), "hello world");
    assert.equal(result.signatures[0]!.verifiedBy?.name, "mykey");
    assert.equal(result.signatures[0]!.keyid, "66301bbf");
  });

  test("the spec's envelope fails when the payload, the type or the signature changes", () => {
    const candidates = [{ key: specKey, algorithm: "ecdsa-p256" as const }];
    const changed = [
      { ...specEnvelope, payload: Buffer.from("hello world!").toString("base64") },
      { ...specEnvelope, payloadType: "http://example.com/HelloWorlD" },
      { ...specEnvelope, signatures: [{ sig: Buffer.from(decodeBase64(specEnvelope.signatures[0]!.sig).map((b, i) => (i === 5 ? b ^ 1 : b))).toString("base64") }] },
    ];
    for (const e of changed) assert.equal(verifyEnvelope(parseEnvelope(e, "changed"), candidates).signatures[0]!.verifiedBy, null, JSON.stringify(e));
    // URL-safe base64 is accepted too, as the spec requires of verifiers.
    const urlSafe = { ...specEnvelope, signatures: [{ sig: Buffer.from(decodeBase64(specEnvelope.signatures[0]!.sig)).toString("base64url") }] };
    assert.notEqual(verifyEnvelope(parseEnvelope(urlSafe, "url-safe"), candidates).signatures[0]!.verifiedBy, null);
  });
});

describe("envelopes made by openssl (test/fixtures/supply/openssl/make.sh)", () => {
  const statement = parseStatement(Buffer.from(fixture("statement.json")), "fixture");
  for (const [file, algorithm] of [["ecdsa-p256", "ecdsa-p256"], ["ed25519", "ed25519"]] as const) {
    test(`${file}: an envelope signed outside Slipway verifies, and its statement names the subject`, () => {
      const key = parsePublicKey(fixture(`${file}.pub`), `${file}.pub`);
      assert.equal(key.algorithm, algorithm);
      const envelope = parseEnvelope(fixture(`${file}.envelope.json`), `${file}.envelope.json`);
      const result = verifyEnvelope(envelope, [key]);
      assert.equal(result.signatures[0]!.verifiedBy?.keyId, key.keyId);
      assert.deepEqual(parseStatement(result.payload, "payload"), statement);
      // The other key does not verify it.
      const other = parsePublicKey(fixture(`${file === "ed25519" ? "ecdsa-p256" : "ed25519"}.pub`), "other");
      assert.equal(verifyEnvelope(envelope, [other]).signatures[0]!.verifiedBy, null);
    });
  }
});

describe("sign and verify round trip", () => {
  for (const algorithm of ["ed25519", "ecdsa-p256"] as KeyAlgorithm[]) {
    test(`${algorithm}: Slipway's own envelope verifies with the public key only`, () => {
      const pair = generateKeyPair(algorithm);
      const priv = parsePrivateKey(pair.privatePem, "key");
      assert.equal(priv.keyId, pair.keyId);
      const body = Buffer.from('{"hello":"world"}');
      const envelope = signEnvelope("application/vnd.in-toto+json", body, priv.key, algorithm, pair.keyId);
      const pub = parsePublicKey(pair.publicPem, "pub");
      assert.deepEqual(verifyEnvelope(envelope, [pub]).signatures.map((s) => s.verifiedBy?.keyId), [pair.keyId]);
      if (algorithm === "ecdsa-p256") assert.equal(decodeBase64(envelope.signatures[0]!.sig)[0], 0x30, "ECDSA signatures are DER, as cosign writes them");
    });
  }
});

describe("hostile input is refused with a clear bad_input", () => {
  const refuses = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: Error & { code?: string }) => err.code === "bad_input" && message.test(err.message));

  test("malformed envelopes", () => {
    refuses(() => parseEnvelope("{not json", "e.json"), /^e\.json is not JSON/);
    refuses(() => parseEnvelope({ payload: "aGk=", signatures: [{ sig: "AA==" }] }, "e.json"), /is not a valid DSSE envelope: payloadType: expected payloadType, a string/);
    refuses(() => parseEnvelope({ payloadType: "t", payload: "aGk=", signatures: [] }, "e.json"), /the envelope has no signatures/);
    refuses(() => parseEnvelope({ payloadType: "t", payload: "not base64!", signatures: [{ sig: "AA==" }] }, "e.json"), /payload: payload is not valid base64/);
    refuses(() => parseEnvelope({ payloadType: "t", payload: "aGk=", signatures: Array(17).fill({ sig: "AA==" }) }, "e.json"), /at most 16 signatures/);
    refuses(() => parseEnvelope({ payloadType: "t", payload: "A".repeat(5 * 1024 * 1024), signatures: [{ sig: "AA==" }] }, "e.json"), /payload is longer than/);
  });

  test("a garbage signature is simply invalid, never a crash", () => {
    const key = parsePublicKey(fixture("ecdsa-p256.pub"), "k");
    const envelope = parseEnvelope({ payloadType: "t", payload: "aGk=", signatures: [{ sig: Buffer.from([0x30, 0x99, 1, 2, 3]).toString("base64") }] }, "e");
    assert.equal(verifyEnvelope(envelope, [key]).signatures[0]!.verifiedBy, null);
  });

  test("truncated keys, private keys given as public, unknown key types", () => {
    const pub = fixture("ecdsa-p256.pub");
    const lines = pub.trim().split("\n");
    refuses(() => parsePublicKey(lines.slice(0, 2).join("\n"), "k.pub"), /k\.pub is truncated: its PUBLIC KEY block has no END line/);
    refuses(() => parsePublicKey([lines[0], lines[1]!.slice(0, 20), lines.at(-1)].join("\n"), "k.pub"), /k\.pub is not a readable public key: the key bytes are truncated or corrupt/);
    refuses(() => parsePublicKey("hello", "k.pub"), /k\.pub is not a PEM key file/);
    refuses(() => parsePublicKey(fixture("rsa.pub"), "rsa.pub"), /rsa\.pub is a key of unsupported type rsa/);
    refuses(() => parsePublicKey(fixture("ecdsa-p384.pub"), "p384.pub"), /p384\.pub is an ECDSA key on curve secp384r1; only P-256/);
    refuses(() => parsePublicKey(generateKeyPair("ed25519").privatePem, "k.pub"), /holds a PRIVATE KEY, not a public key/);
    refuses(() => parsePrivateKey(pub, "k.key"), /k\.key holds a PUBLIC KEY, not a private key/);
    refuses(() => parsePublicKey(pub + "\n" + pub, "two.pub"), /holds 2 PEM blocks/);
  });
});
