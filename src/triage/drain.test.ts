import assert from "node:assert/strict";
import { test } from "node:test";
import { Drain, groupLines, maskTemplate } from "./drain.js";
import { maskLine } from "./mask.js";
import { signatureOf } from "./triage.js";
import { mergeTemplates } from "./store.js";

test("masking removes timestamps, hashes, ids, addresses and numbers but keeps error codes", () => {
  assert.equal(maskLine("2024-05-01T10:00:02Z pulled sha256:505a03f0657761f68f2d4e06 from 10.1.2.3:5000 in 0.52s"), "<*> pulled <*> from <*> in <*>s");
  assert.equal(maskLine("error[E0425]: cannot find function `vorrq_u8`"), "error[E0425]: cannot find function `vorrq_u8`");
});

test("Drain groups lines of one template and keeps other templates apart", () => {
  const d = new Drain();
  const a = d.add("Connection from 10.0.0.1 port 51234 closed");
  const b = d.add("Connection from 10.0.0.7 port 40022 closed");
  const c = d.add("Accepted password for root from 10.0.0.1 port 22 ssh2");
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, c.id);
});

test("two runs of one failure share a signature; a different failure does not", () => {
  const sel = (texts: string[]) => ({ blocks: [], ranges: [], step: null, top: null, lines: texts.map((text, i) => ({ no: i + 1, text, score: 5 - i, rule: undefined, categorized: [] })) });
  const s1 = signatureOf(sel(["--- FAIL: TestCheckout (0.03s)", "checkout_test.go:42: order 7f3a9c1e: expected 120 but got 118"]));
  const s2 = signatureOf(sel(["--- FAIL: TestCheckout (0.05s)", "checkout_test.go:42: order 0b44d2aa: expected 120 but got 118"]));
  const s3 = signatureOf(sel(["npm ERR! code E404", "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd"]));
  assert.equal(s1.hash, s2.hash);
  assert.notEqual(s1.hash, s3.hash);
  assert.equal(mergeTemplates("a b c d e", "a b c d x"), "a b c d <*>");
  assert.equal(mergeTemplates("a b c d e", "a x y d e"), undefined);
});

test("template mining: paths and value lists are masked; masked values agree; a closed set of words splits a group", () => {
  assert.equal(maskTemplate('10.1.1.2,10.1.1.3 "GET /v2/abc/servers/detail HTTP/1.1" status: 200'), '<*> "GET <*> HTTP/<*>" status: <*>');
  // Lines differing in a masked value and one other token are one template (Loghub Linux shape).
  const conn = groupLines([
    "connection from 10.20.30.40 (host-40.example.net) at Fri Jun 17 07:07:00 2005",
    "connection from 192.0.2.17 () at Mon Jun 20 03:40:59 2005",
    "connection from 198.51.100.9 (dsl-9.isp.example) at Fri Jun 17 20:55:06 2005",
  ]);
  assert.equal(new Set(conn).size, 1);
  // A position taking a few plain words is a constant; many distinct values are a variable.
  const states = ["Started", "Paused", "Resumed", "Started", "Paused", "Resumed"].map((s, i) => `[instance: ${i}f1a409b-b8cc] VM ${s} (Lifecycle Event)`);
  assert.equal(new Set(groupLines(states)).size, 3);
  const users = ["alice", "bob", "carol", "dave", "erin", "frank"].map((u, i) => `Invalid user ${u} from 10.0.0.${i}`);
  assert.equal(new Set(groupLines(users)).size, 1);
});
