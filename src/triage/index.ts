/**
 * Pipeline-failure triage: extraction of the lines that explain a failed CI log, classification,
 * flaky estimate, and clustering signatures. No imports from engine/.
 */
export { notTextLogOf, requireTextLog } from "./not-text.js";
export { triageLog, candidateFeatures, signatureOf, passLineSet, MAX_EVIDENCE, type LogSource, type TriageOptions } from "./triage.js";
export { PRIOR_MODEL, BLOCK_FEATURES, type BlockModel } from "./block-model.js";
export { Drain, groupLines, tokenize, type DrainOptions, type TemplateGroup } from "./drain.js";
export { maskLine, hash32, WILDCARD } from "./mask.js";
export { LineSplitter, splitLines, cleanLine } from "./lines.js";
export { ruleSet, compileRules, parseRules, loadRulesFile, type RuleSet } from "./rules/rules.js";
export { BUILT_IN_PACKS, DEFAULT_RULES, CATEGORY_ADVICE } from "./rules/default-rules.js";
export type { FlakyHistory } from "./classify.js";
export * from "./types.js";
export { triageRun, confirmRun, type RecordedTriage, type TriageRunInput, type ConfirmInput } from "./service.js";
export { recordOccurrence, clusterInfo, examplesFor, historyOf, mergeTemplates, listClusters, type ClusterInfo, type ClusterSummary } from "./store.js";
export { parseRanges } from "./ranges.js";
export { applyHistory } from "./classify.js";
export { formatTriage } from "./format.js";
