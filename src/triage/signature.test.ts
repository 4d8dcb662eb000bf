import assert from "node:assert/strict";
import { test } from "node:test";
import { triageLog } from "./triage.js";

const failed = [
  "$ npm ci",
  "added 120 packages in 4s",
  "$ npm test",
  "not ok 2 subtracts",
  "  expected: 1",
  "  actual:   2",
  "npm ERR! Test failed.  See above for more details.",
  'The command "npm test" exited with 1.',
].join("\n");
const passing = "$ npm ci\nadded 120 packages in 3s\n$ npm test\nok 1 adds\nok 2 subtracts\n";

test("a confirmed example or a passing log changes the chosen lines but never the cluster signature", async () => {
  const plain = await triageLog(failed);
  const withExample = await triageLog(failed, { examples: [{ lines: ["not ok 7 multiplies"] }] });
  const withPass = await triageLog(failed, { passLog: passing });
  assert.equal(withExample.method, "examples");
  assert.equal(withPass.method, "pass-diff");
  assert.equal(withExample.signature.hash, plain.signature.hash);
  assert.equal(withPass.signature.hash, plain.signature.hash);
  assert.notEqual((await triageLog(failed.replace("subtracts", "divides"))).signature.hash, plain.signature.hash, "another failing test with the same assertion lines is another cluster");
  const other = "$ npm run build\nsrc/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n";
  assert.notEqual((await triageLog(other)).signature.hash, plain.signature.hash, "another failure is another cluster");
});
