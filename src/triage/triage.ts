/**
 * The triage of one failed log: stream it through the scanner, choose the failure lines,
 * classify, estimate flakiness and compute the clustering signature.
 */
import { createHash } from "node:crypto";
import { classify, estimateFlaky, type Classification, type FlakyHistory } from "./classify.js";
import { AnchorMatcher, type AnchorMatch } from "./anchors.js";
import { buildExampleModel, ExampleMatcher } from "./examples.js";
import { cleanLine, LineSplitter } from "./lines.js";
import { notTextLog, SampleKeeper } from "./not-text.js";
import { hash32, maskLine } from "./mask.js";
import { PASS_SELECT, trimShared } from "./pass-diff.js";
import { lineHeadline, ruleSet, type RuleSet } from "./rules/rules.js";
import { FailureScanner, type BlockLine, type ScanResult } from "./scan.js";
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
  /** Ranks the candidate blocks (default: the committed model, models/block-ranker.json). */
  blockModel?: BlockModel;
}

/** Most evidence lines returned; longer selections are elided in the middle. */
export const MAX_EVIDENCE = 80;
/** Most distinct pass-log lines remembered (bounded memory for huge passing logs). */
const MAX_PASS_LINES = 2_000_000;

async function feed(source: LogSource, splitter: LineSplitter, sample?: SampleKeeper): Promise<void> {
  if (typeof source === "string" || source instanceof Uint8Array) {
    sample?.take(source);
    splitter.push(source);
  } else {
    for await (const chunk of source) {
      sample?.take(chunk);
      splitter.push(chunk);
    }
  }
  splitter.end();
}

/** Hashes of the masked lines of a passing log. */
export async function passLineSet(source: LogSource): Promise<Set<number>> {
  const set = new Set<number>();
  await feed(source, new LineSplitter((raw) => {
    if (set.size < MAX_PASS_LINES) set.add(hash32(maskLine(cleanLine(raw))));
  }));
  return set;
}

/** What a scan of a log needs and yields: the scan, and the parts the choice reuses. */
interface Scanned {
  scan: ScanResult;
  rules: RuleSet;
  passLines: Set<number> | undefined;
  examples: boolean;
  matcher: ExampleMatcher | undefined;
  anchored: AnchorMatcher | undefined;
  plain: FailureScanner | undefined;
  splitter: LineSplitter;
  /** The first bytes, to tell a binary file from a text log. */
  sample: SampleKeeper;
}

/** Streams a log through the scanner (and the few-shot matchers when examples are given). */
async function scanLog(source: LogSource, options: TriageOptions): Promise<Scanned> {
  const passLines = options.passLog === undefined ? undefined : await passLineSet(options.passLog);
  const examples = options.examples && options.examples.length > 0 ? buildExampleModel(options.examples) : undefined;
  const matcher = examples ? new ExampleMatcher(options.examples ?? []) : undefined;
  const rules = ruleSet(options.rules);
  const scanner = new FailureScanner({ rules, passLines, examples, matcher, background: options.background });
  // The cluster key comes from the rules alone, so a confirmed example or a passing log never
  // moves a failure out of its cluster: when those are given, a plain scan runs alongside.
  const plain = passLines || examples ? new FailureScanner({ rules }) : undefined;
  const anchors = examples ? new AnchorMatcher(options.examples ?? []) : undefined;
  const anchored = anchors?.usable ? anchors : undefined;
  const splitter = new LineSplitter((raw, no) => {
    scanner.line(raw, no);
    plain?.line(raw, no);
    anchored?.line(raw, no);
  });
  const sample = new SampleKeeper();
  await feed(source, splitter, sample);
  return { scan: scanner.finish(), rules, passLines, examples: examples !== undefined, matcher, anchored, plain, splitter, sample };
}

/** The candidate blocks of a log and their block-model features (to train the model, and to explain a pick). */
export async function candidateFeatures(source: LogSource, options: TriageOptions = {}): Promise<{ start: number; end: number; lines: number[]; features: number[] }[]> {
  const { scan } = await scanLog(source, options);
  const blocks = candidateBlocks(scan);
  const ctx = blockContext(blocks, scan.lines, scan.markers);
  return blocks.map((b) => ({ start: b.start, end: b.end, lines: withoutOutcomeTail(scan.markers, b).map((l) => l.no), features: blockFeatures(b, ctx) }));
}

/** Triage of a failed log, streamed line by line. */
export async function triageLog(source: LogSource, options: TriageOptions = {}): Promise<TriageResult> {
  const { scan, rules, passLines, examples, matcher, anchored, plain, splitter, sample } = await scanLog(source, options);
  const model = options.blockModel ?? DEFAULT_BLOCK_MODEL;
  const chosen = selectFailure(scan, passLines ? { ...PASS_SELECT, model } : { model });
  const picked = passLines ? trimShared(chosen) : chosen; // pass-diff hook
  const ruled = { ...picked, top: chooseTopLine(scan, picked, rules) };
  const sel = withExampleMatch(ruled, { scan, rules }, matcher, anchored);
  const junk = notTextLog(sample.sample());
  // Binary input is never given a confident category: whatever its "lines" matched is noise.
  const cls: Classification = junk
    ? { decisive: null, category: "unknown", confidence: 0.05, cause: `this is not a text log: it looks like ${junk}`, next: "send the job's plain-text log (for a compressed log, uncompress it first)", rules: [] }
    : classify(sel, scan);
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
    why: sel === ruled ? whyPicked(scan, sel, model) : sel.ranges.map((r) => `lines ${r.start}-${r.end}: where a confirmed example fits (the lines around it, or its text)`),
    flaky,
    signature: signatureOf(plain ? ruleChoice(plain.finish(), rules, model) : sel),
    method: examples ? "examples" : passLines ? "pass-diff" : "rules",
    stats: { lines: splitter.lines, bytes: splitter.byteCount },
  };
}

/**
 * Aligned windows at least this similar to a confirmed chunk replace the rule-based choice
 * (LogChunks, 3 examples: 0.5 -> F1 0.619, 0.7 -> 0.629/0.636, 0.8 -> 0.634; below it, the rules
 * with the example-boosted line scores do better).
 */
const USE_MATCH = 0.7;

/**
 * A window placed by the anchors of the confirmed chunks (the lines around them) at least this
 * well (out of 5) is the answer, before the text alignment (LogChunks, 3 examples: 2.5 -> F1 0.702,
 * 3.0 -> 0.687).
 */
const USE_ANCHORS = 2.5;

/**
 * A headline rank that names a failure: a failing test, a compiler diagnostic, an error or
 * exception message (not a timeout, a wrapper or a mere `error` word).
 */
const NAMES_FAILURE = 4;

/**
 * The rules name a failure elsewhere than the anchored window, and nothing in that window reads
 * like a failure or like a confirmed chunk (it was placed by the lines around it alone): the
 * confirmed examples were of another kind of failure (a later step's, a timeout's trailer) and
 * the rules' failure is the answer (LogChunks, 3 examples: F1 0.796 -> 0.807).
 */
function rulesNameAnotherFailure(sel: Selection, placed: AnchorMatch, { scan, rules }: { scan: ScanResult; rules: RuleSet }): boolean {
  if (!sel.top || (lineHeadline(rules, sel.top.text) ?? 0) < NAMES_FAILURE) return false;
  if (sel.ranges.some((r) => r.start <= placed.end && placed.start <= r.end)) return false;
  return !scan.blocks.some((b) => b.lines.some((l) => l.score > 0 && l.no >= placed.start && l.no <= placed.end));
}

/**
 * When the lines around a confirmed chunk recur in the log, the window between them is the
 * answer (unless the rules name another failure and the window holds nothing flagged); else
 * when the log holds a window that reads like a confirmed chunk, that window.
 */
function withExampleMatch(sel: Selection, scanned: { scan: ScanResult; rules: RuleSet }, matcher: ExampleMatcher | undefined, anchors: AnchorMatcher | undefined): Selection {
  const placed = anchors?.finish();
  if (placed && placed.score >= USE_ANCHORS && rulesNameAnotherFailure(sel, placed, scanned)) return sel;
  const aligned = matcher?.finish();
  const m = placed && placed.score >= USE_ANCHORS ? placed : aligned && aligned.score >= USE_MATCH ? aligned : undefined;
  if (!m) return sel;
  const byNo = new Map(sel.lines.map((l) => [l.no, l]));
  const lines: BlockLine[] = m.lines.map((l) => byNo.get(l.no) ?? { no: l.no, text: l.text, score: 0, rule: undefined, categorized: [] });
  const top = lines.reduce<BlockLine | null>((t, l) => (!t || l.score > t.score ? l : t), null);
  return { blocks: sel.blocks, ranges: [{ start: m.start, end: m.end }], lines, top, step: sel.step };
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
