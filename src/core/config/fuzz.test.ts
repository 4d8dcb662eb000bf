/**
 * Property-based fuzzing of the slipway.yaml parser and linter (fast-check): arbitrary text,
 * arbitrary YAML documents and mutations of a valid file never make it throw, and it always
 * answers with located problems or a config. Thousands of inputs, bounded in time. Inputs that
 * once failed are kept below as regression cases.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import YAML from "yaml";
import { parseServiceConfig } from "./parse.js";

const VALID = readFileSync(new URL("../../../examples/hello/slipway.yaml", import.meta.url), "utf8");
/** Each property runs until this many inputs or this much time, whichever comes first. */
const RUNS = { numRuns: 3000, interruptAfterTimeLimit: 4000 };

function checkResult(text: string): void {
  const result = parseServiceConfig(text, "fuzz.yaml");
  assert.ok(Array.isArray(result.errors) && Array.isArray(result.warnings));
  if (result.config) assert.equal(result.errors.length, 0);
  else assert.ok(result.errors.length > 0, `no config and no errors for ${JSON.stringify(text).slice(0, 200)}`);
  for (const p of [...result.errors, ...result.warnings]) {
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && Number.isInteger(p.column) && p.column >= 1, JSON.stringify(p));
    assert.equal(typeof p.message, "string");
  }
}

/** Inputs that once broke something (kept so they stay fixed). */
const REGRESSIONS = [
  // an alias bomb: yaml's toJS threw a ReferenceError that became a 500
  "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
  // nesting deep enough to overflow a recursive parser
  `a: ${"[".repeat(5000)}${"]".repeat(5000)}`,
  "service: x\nservice: y\n",
  "? [a, b]\n: c\n",
  "*unknown\n",
  "environments: { dev: &d { target: *d } }\n",
];

test("kept regression inputs are handled", () => {
  for (const text of REGRESSIONS) checkResult(text);
});

test("arbitrary text never makes the parser throw", () => {
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), checkResult), RUNS);
});

test("arbitrary YAML documents never make the linter throw", () => {
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), tie("node"), { maxKeys: 5 })),
  })).node;
  const keys = fc.constantFrom("service", "owner", "run", "environments", "config", "build", "triage", "runbook");
  const doc = fc.dictionary(keys, value, { maxKeys: 8 });
  fc.assert(fc.property(doc, (d) => checkResult(YAML.stringify(d))), RUNS);
});

test("mutations of a valid slipway.yaml never make the linter throw", () => {
  const mutation = fc.record({ at: fc.nat(VALID.length), cut: fc.nat(40), insert: fc.string({ maxLength: 30 }) });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      let text = VALID;
      for (const m of mutations) text = text.slice(0, m.at) + m.insert + text.slice(m.at + m.cut);
      checkResult(text);
    }),
    RUNS,
  );
});
