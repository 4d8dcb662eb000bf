/**
 * `npm run train:triage [-- --write]`: fits the block model on every labeled log of the shared
 * data sets and prints it; `--write` stores its weights in src/triage/models/block-ranker.json
 * (deterministic: the same data give the same file). The benchmark refits it per fold, on the
 * training repositories only (`--learner learned`), and compares it with the committed weights:
 * write them only when the cross-validated figures say the fitted model is better.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadCiDiff, loadLogChunks, loadPytorch, loadVeloren } from "./data.js";
import { fitBlockModel } from "./learned.js";

const OUT = resolve(import.meta.dirname, "../../src/triage/models/block-ranker.json");
const model = await fitBlockModel({ chunks: loadLogChunks().cases, diffs: loadCiDiff(), pytorch: loadPytorch(), veloren: loadVeloren() });
if (process.argv.includes("--write")) {
  writeFileSync(OUT, JSON.stringify(model, null, 2) + "\n");
  console.log(`wrote ${OUT}`);
}
console.log(`block model fitted on ${model.trainedOn}`);
model.features.forEach((f, i) => console.log(`  ${f.padEnd(24)} ${model.weights[i]}`));
console.log(`  companion share ${model.companionShare}`);
