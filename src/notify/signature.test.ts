import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { signPayload, verifySignature } from "./signature.js";

const KEY = "whsec-test-key";
const BODY = '{"event":"deployment.failed"}';

test("a signature is HMAC-SHA256 over `t.body` and verifies within the window", () => {
  const header = signPayload(KEY, BODY, 1_700_000_000);
  const mac = createHmac("sha256", KEY).update(`1700000000.${BODY}`).digest("hex");
  assert.equal(header, `t=1700000000,v1=${mac}`);
  assert.deepEqual(verifySignature(header, BODY, KEY, 1_700_000_100), { ok: true, timestamp: 1_700_000_000 });
});

test("a changed body, another key, or an old timestamp (a replay) is refused", () => {
  const header = signPayload(KEY, BODY, 1_700_000_000);
  assert.equal(verifySignature(header, BODY.replace("failed", "succeeded"), KEY, 1_700_000_000).ok, false);
  assert.equal(verifySignature(header, BODY, "another-key", 1_700_000_000).ok, false);
  const replay = verifySignature(header, BODY, KEY, 1_700_000_000 + 301);
  assert.equal(replay.ok, false);
  assert.match(!replay.ok ? replay.reason : "", /tolerance 300 s/);
  // A re-stamped header with the old MAC fails too: the timestamp is inside the MAC.
  assert.equal(verifySignature(header.replace("t=1700000000", "t=1700000301"), BODY, KEY, 1_700_000_301).ok, false);
  assert.equal(verifySignature(undefined, BODY, KEY, 1_700_000_000).ok, false);
  assert.equal(verifySignature("v1=abc", BODY, KEY, 1_700_000_000).ok, false);
});

test("any of several v1 values may match (key rotation)", () => {
  const header = `${signPayload(KEY, BODY, 1_700_000_000)},v1=${"0".repeat(64)}`;
  assert.equal(verifySignature(header, BODY, KEY, 1_700_000_000).ok, true);
  const rotated = `t=1700000000,v1=${"0".repeat(64)},${signPayload(KEY, BODY, 1_700_000_000).split(",")[1]}`;
  assert.equal(verifySignature(rotated, BODY, KEY, 1_700_000_000).ok, true);
});
