/**
 * The triage of one failed log: one pipeline whatever the mode. Stream it once through the
 * scanner (the refinement steps a passing log, confirmed examples or a background add plug in
 * there and in the choice, refine.ts), choose the failure lines, classify, estimate flakiness and
 * compute the clustering signature.
 */
import { createHash } from "node:crypto";
import { classify, estimateFlaky, type FlakyHistory } from "./classify.js";
import { backgroundStep } from "./background.js";
import { lexiconStep, type Lexicon } from "./lexicon.js";
import { examplesStep } from "./example-step.js";
import { cleanLine, LineSplitter } from "./lines.js";
import { TextSniffer, type LogName } from "./not-text.js";
import { hash32, maskLine } from "./mask.js";
import { passDiffStep } from "./pass-diff.js";
import { methodOf, selectTuning, type RefinedAnswer, type Refinement } from "./refine.js";
import { ruleSet, type RuleSet } from "./rules/rules.js";
import type { BlockLine, ScanResult } from "./blocks.js";
import { FailureScanner } from "./scan.js";
import { candidateBlocks, selectFailure, type Selection } from "./select.js";
import { blockContext, blockFeatures, type BlockModel } from "./block-model.js";
import { DEFAULT_BLOCK_MODEL } from "./models/index.js";
import { explainBlocks } from "./explain.js";
import { withoutOutcomeTail } from "./outcome.js";
import { chooseTopLine } from "./top-line.js";
import { CATEGORY_LABELS, type ConfirmedExample, type EvidenceLine, type RuleSpec, type TriageResult } from "./types.js";

/** A log: its text, its bytes, or a stream of chunks (read once, never held whole). */
export type LogSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/** Options of {@link triageLog}. */
export interface TriageOptions {
  /** A passing log of the same job: lines common to both are rarely the cause. */
  passLog?: LogSource;
  /** Confirmed answers for earlier logs of the same pipeline (few-shot). */
  examples?: readonly ConfirmedExample[];
  /** Extra rules (user or server-wide), replacing built-ins with the same id. */
  rules?: readonly RuleSpec[];
  /** Earlier occurrences of the same signature, for the flaky estimate. */
  history?: FlakyHistory;
  /** Masked-line hashes of normal lines (background.ts); none by default. */
  background?: ReadonlySet<number>;
  /** A learned vocabulary of failure lines (lexicon.ts); none by default. */
  lexicon?: Lexicon;
  /** Ranks the candidate blocks (default: the committed model, models/block-ranker.json). */
  blockModel?: BlockModel;
  /** How errors name the logs (a file path); default "the log" and "the passing log". */
  names?: { log?: LogName; passLog?: LogName };
}

/** Most evidence lines returned; longer selections are elided in the middle. */
export const MAX_EVIDENCE = 80;
/** Most distinct pass-log lines remembered (bounded memory for huge passing logs). */
const MAX_PASS_LINES = 2_000_000;

/** Streams a log into the splitter; throws bad input as soon as its first bytes show it is not text. */
async function feed(source: LogSource, splitter: LineSplitter, name: LogName): Promise<void> {
  const sniffer = new TextSniffer(name);
  if (typeof source === "string" || source instanceof Uint8Array) {
    sniffer.take(source);
    splitter.push(source);
  } else {
    for await (const chunk of source) {
      sniffer.take(chunk);
      splitter.push(chunk);
    }
  }
  sniffer.end();
  splitter.end();
}

/** Hashes of the masked lines of a passing log. */
export async function passLineSet(source: LogSource, name: LogName = "the passing log"): Promise<Set<number>> {
  const set = new Set<number>();
  await feed(source, new LineSplitter((raw) => {
    if (set.size < MAX_PASS_LINES) set.add(hash32(maskLine(cleanLine(raw))));
  }), name);
  return set;
}

/** What a scan of a log yields: the scan, and the parts the choice reuses. */
interface Scanned {
  scan: ScanResult;
  rules: RuleSet;
  steps: readonly Refinement[];
  splitter: LineSplitter;
}

/** The refinement steps the options ask for, in the order they apply (refine.ts). */
async function refinements(options: TriageOptions): Promise<Refinement[]> {
  const steps: Refinement[] = [];
  if (options.passLog !== undefined) steps.push(passDiffStep(await passLineSet(options.passLog, options.names?.passLog)));
  const examples = options.examples && options.examples.length > 0 ? examplesStep(options.examples) : undefined;
  if (examples) steps.push(examples);
  if (options.background) steps.push(backgroundStep(options.background));
  if (options.lexicon) steps.push(lexiconStep(options.lexicon));
  return steps;
}

/** Streams a log once through the scanner and the refinement steps. */
async function scanLog(source: LogSource, options: TriageOptions): Promise<Scanned> {
  const steps = await refinements(options);
  const rules = ruleSet(options.rules);
  const scanner = new FailureScanner({ rules, steps });
  const splitter = new LineSplitter((raw, no) => scanner.line(raw, no));
  await feed(source, splitter, options.names?.log ?? "the log");
  return { scan: scanner.finish(), rules, steps, splitter };
}

/** The candidate blocks of a log and their block-model features (to train the model, and to explain a pick). */
export async function candidateFeatures(source: LogSource, options: TriageOptions = {}): Promise<{ start: number; end: number; lines: number[]; features: number[] }[]> {
  const { scan } = await scanLog(source, options);
  const blocks = candidateBlocks(scan);
  const ctx = blockContext(blocks, scan.lines, scan.markers);
  return blocks.map((b) => ({ start: b.start, end: b.end, lines: withoutOutcomeTail(scan.markers, b).map((l) => l.no), features: blockFeatures(b, ctx) }));
}

/**
 * The pipeline's choice: rank and choose the blocks (tuned by the steps), let the steps refine
 * the chosen lines, choose the top line, and let a step replace the answer.
 */
function choose({ scan, rules, steps }: Scanned, model: BlockModel): RefinedAnswer {
  let sel = selectFailure(scan, { ...selectTuning(steps), model });
  for (const s of steps) if (s.chosen) sel = s.chosen(sel);
  sel = { ...sel, top: chooseTopLine(scan, sel, rules) };
  for (const s of steps) {
    const replaced = s.answer?.(sel, scan, rules);
    if (replaced) return replaced;
  }
  return { sel, why: whyPicked(scan, sel, model) };
}

/** Triage of a failed log, streamed line by line. */
export async function triageLog(source: LogSource, options: TriageOptions = {}): Promise<TriageResult> {
  const scanned = await scanLog(source, options);
  const { scan, rules, steps, splitter } = scanned;
  const model = options.blockModel ?? DEFAULT_BLOCK_MODEL;
  const { sel, why } = choose(scanned, model);
  const cls = classify(sel, scan);
  const flaky = estimateFlaky(cls, scan, options.history);
  return {
    category: cls.category,
    categoryLabel: CATEGORY_LABELS[cls.category],
    confidence: cls.confidence,
    cause: cls.cause,
    next: cls.next,
    rules: cls.rules,
    ranges: sel.ranges,
    evidence: evidenceOf(sel.lines, sel.top),
    topLine: sel.top ? evidenceLine(sel.top) : null,
    failingStep: sel.step,
    why,
    flaky,
    // The cluster key comes from the rules alone, so a confirmed example or a passing log never
    // moves a failure out of its cluster: the scan keeps the rules' own blocks when steps moved scores.
    signature: signatureOf(scan.rulesOnly ? ruleChoice(scan.rulesOnly, rules, model) : sel),
    method: methodOf(steps),
    stats: { lines: splitter.lines, bytes: splitter.byteCount },
  };
}

/** One line per evidence block: what made the block model rank it (or that nothing scored). */
function whyPicked(scan: ScanResult, sel: Selection, model: BlockModel): string[] {
  if (sel.blocks.length === 0) return sel.ranges.map((r) => `lines ${r.start}-${r.end}: the last lines of the log (no line scored)`);
  return explainBlocks(candidateBlocks(scan), sel.blocks, scan.lines, model, scan.markers);
}

function evidenceLine(l: BlockLine): EvidenceLine {
  return l.rule ? { line: l.no, text: l.text, rule: l.rule.spec.id } : { line: l.no, text: l.text };
}

/** The lines of the ranges (elided in the middle), plus the top line when it lies outside them. */
function evidenceOf(lines: readonly BlockLine[], top: BlockLine | null): EvidenceLine[] {
  const half = MAX_EVIDENCE / 2;
  const kept = lines.length <= MAX_EVIDENCE ? [...lines] : [...lines.slice(0, half), ...lines.slice(-half)];
  if (top && !kept.some((l) => l.no === top.no)) {
    kept.push(top);
    kept.sort((a, b) => a.no - b.no);
  }
  return kept.map(evidenceLine);
}

/**
 * The clustering signature: the masked text of the failure's first line, its top line and its
 * strongest other lines (three in all, in log order), so reruns of the same failure with other
 * timestamps, ids and paths match, and two failing tests with the same generic assertion lines
 * do not.
 */
export function signatureOf(sel: Selection): { hash: string; template: string } {
  const lines = sel.lines.filter((l) => l.text.trim() !== "");
  const byScore = [...lines].sort((a, b) => b.score - a.score || a.no - b.no);
  // The first line usually says what failed (the test, the file), the top line how.
  const picked = new Set([lines[0], sel.top, ...byScore].filter((l): l is BlockLine => l !== undefined && l !== null));
  const strongest = [...picked].slice(0, 3).sort((a, b) => a.no - b.no);
  const template = strongest.map((l) => maskLine(l.text)).join("\n");
  const hash = createHash("sha256").update(template).digest("hex").slice(0, 16);
  return { hash, template };
}

/** What the rules alone choose in a scan: the selection with its top line. */
function ruleChoice(scan: ScanResult, rules: RuleSet, model: BlockModel): Selection {
  const sel = selectFailure(scan, { model });
  return { ...sel, top: chooseTopLine(scan, sel, rules) };
}
