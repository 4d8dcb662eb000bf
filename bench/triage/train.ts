/**
 * `npm run train:triage`: fits the block model on every labeled log of the shared data sets and
 * writes its weights to src/triage/models/block-ranker.json (deterministic: the same data give
 * the same file). The benchmark refits it per fold, on the training repositories only.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadCiDiff, loadLogChunks, loadPytorch, loadVeloren } from "./data.js";
import { fitBlockModel } from "./learned.js";

const OUT = resolve(import.meta.dirname, "../../src/triage/models/block-ranker.json");
const model = await fitBlockModel({ chunks: loadLogChunks().cases, diffs: loadCiDiff(), pytorch: loadPytorch(), veloren: loadVeloren() });
writeFileSync(OUT, JSON.stringify(model, null, 2) + "\n");
console.log(`wrote ${OUT}: ${model.trainedOn}`);
model.features.forEach((f, i) => console.log(`  ${f.padEnd(24)} ${model.weights[i]}`));
console.log(`  companion share ${model.companionShare}`);
