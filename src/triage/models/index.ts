/**
 * The committed block model: weights trained by `npm run train:triage` (bench/triage/train.ts)
 * on the shared data sets, stored as data.
 */
import { checkModel, type BlockModel } from "../block-model.js";
import weights from "./block-ranker.json" with { type: "json" };

export const DEFAULT_BLOCK_MODEL: BlockModel = checkModel(weights);
