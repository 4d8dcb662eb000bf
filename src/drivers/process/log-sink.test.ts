import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { REDACTED } from "../../core/redact.js";
import { createLineSplitter, secretRedactor } from "./log-sink.js";
import { shimExecArgv } from "./launch.js";

function split(chunks: string[], secrets: string[], maxLine?: number): string[] {
  const lines: string[] = [];
  const { redact, longest } = secretRedactor(secrets);
  const splitter = createLineSplitter((line) => lines.push(line), redact, { keep: longest - 1, maxLine });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe("line splitter", () => {
  test("joins partial lines, drops CR, emits an unterminated last line at the end", () => {
    assert.deepEqual(split(["hel", "lo\r\nwor", "ld\n", "\n", "tail"], []), ["hello", "world", "", "tail"]);
  });

  test("redacts a secret split across chunks", () => {
    assert.deepEqual(split(["token=super", "secret-value ok\n"], ["supersecret-value"]), [`token=${REDACTED} ok`]);
  });

  test("cuts very long lines into pieces without leaking a secret at a cut", () => {
    const secret = "S3CRET-abcdefghij";
    const text = "x".repeat(95) + secret + "y".repeat(300);
    // Small chunks, so the buffer crosses the limit at many different offsets around the secret.
    const chunks = [...text.matchAll(/.{1,7}/g)].map((m) => m[0]);
    const pieces = split([...chunks, "\n"], [secret], 100);
    assert.ok(pieces.length > 1);
    assert.ok(pieces.every((p) => p.length < 100 + secret.length));
    const joined = pieces.join("");
    assert.ok(!joined.includes("S3CRET"));
    assert.equal(joined, "x".repeat(95) + REDACTED + "y".repeat(300));
  });

  test("never leaks a secret wherever the cut falls", () => {
    const secret = "S3CRET-abcdefghij";
    for (let at = 60; at < 140; at++) {
      const text = "x".repeat(at) + secret + "y".repeat(150);
      for (const size of [1, 13, 64, 1000]) {
        const chunks = [...text.matchAll(new RegExp(`.{1,${size}}`, "g"))].map((m) => m[0]);
        const joined = split(chunks, [secret], 100).join("");
        assert.equal(joined, "x".repeat(at) + REDACTED + "y".repeat(150), `secret at ${at}, chunks of ${size}`);
      }
    }
  });

  test("redacts each line of a multi-line secret", () => {
    const pem = "-----BEGIN KEY-----\nAAAAbbbbCCCC\n-----END KEY-----";
    assert.deepEqual(split([`key:\n${pem}\n`], [pem]), ["key:", REDACTED, REDACTED, REDACTED]);
  });
});

describe("shim launch flags", () => {
  test("keeps loader flags and drops test-runner, debugger and watch flags", () => {
    assert.deepEqual(
      shimExecArgv(["--import", "tsx", "--test-concurrency=1", "--test-reporter", "spec", "--inspect=9229", "--enable-source-maps"]),
      ["--import", "tsx", "--enable-source-maps"],
    );
  });
});
