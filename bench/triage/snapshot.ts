/**
 * `tsx bench/triage/snapshot.ts OUT.json`: writes what the triage answers for every benchmark log
 * in every mode (ranges, top line, category, flaky verdict), so that a change meant to touch one
 * mode can be checked to leave the others byte-identical (`diff` two snapshots).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { triageLog, type TriageResult } from "../../src/triage/index.js";
import { fewShotExamples, loadCiDiff, loadLogChunks, loadPytorch, loadVeloren } from "./data.js";

const out: Record<string, unknown> = {};
const brief = (r: TriageResult) => ({ ranges: r.ranges, top: r.topLine?.line ?? null, category: r.category, flaky: r.flaky.verdict, signature: r.signature.hash });

const { cases } = loadLogChunks();
for (const c of cases) {
  const log = readFileSync(c.logPath);
  out[`zero ${c.logPath}`] = brief(await triageLog(log));
  // Leave-one-out: the three other labeled logs of the same repository nearest before this one.
  const examples = fewShotExamples(cases, c);
  out[`few ${c.logPath}`] = brief(await triageLog(log, { examples }));
}
for (const c of loadCiDiff()) {
  const fail = readFileSync(c.fail);
  out[`cidiff-pass ${c.name}`] = brief(await triageLog(fail, { passLog: readFileSync(c.pass) }));
  out[`cidiff ${c.name}`] = brief(await triageLog(fail));
}
for (const c of loadPytorch()) out[`pytorch ${c.name}`] = brief(await triageLog(c.text));
for (const c of loadVeloren()) out[`veloren ${c.name}`] = brief(await triageLog(readFileSync(c.path)));
writeFileSync(process.argv[2] ?? "/dev/stdout", JSON.stringify(out, null, 1));
