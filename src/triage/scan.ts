/**
 * The streaming pass over a failed log: scores each line with the rules, groups high-scoring
 * lines and their continuations (stack frames, indented detail) into candidate blocks, and keeps
 * only a bounded number of blocks, so memory does not grow with the log.
 */
import { backgroundScore } from "./background.js";
import { CommandTracker, type FailedCommand } from "./commands.js";
import { LineContext } from "./line-context.js";
import { cleanLine, stepMark } from "./lines.js";
import { maskLine } from "./mask.js";
import { endsReport } from "./outcome.js";
import type { Markers } from "./rules/markers.js";
import { compactLongBlock, NovelLead, PASS_BLOCK_LINES, passVerdict } from "./pass-diff.js";
import { judgeLine, type CompiledRule, type RuleSet } from "./rules/rules.js";
import type { ExampleMatcher, ExampleModel } from "./examples.js";

export type { FailedCommand } from "./commands.js";

/** A line kept inside a candidate block. */
export interface BlockLine {
  no: number;
  text: string;
  score: number;
  rule: CompiledRule | undefined;
  categorized: CompiledRule[];
  /** pass-diff: the passing log prints this line too. */
  inPassLog?: true;
  /** The log coloured the line red (an ANSI foreground red), as tools colour their errors. */
  red?: true;
}

/** A run of lines that together may explain the failure. */
export interface Block {
  start: number;
  end: number;
  lines: BlockLine[];
  /** Sum of positive line scores. */
  mass: number;
  /** Highest line score. */
  peak: number;
  step: string | null;
  /** Sequence number of the block (later blocks are closer to the failure). */
  seq: number;
  /** True when the block sits in the output of a command the log reports as failed. */
  inFailedCommand?: boolean;
  /** True when that command is the last one the log reports as failed (what stopped the build). */
  inLastFailedCommand?: boolean;
}

/** Options of a scan. */
export interface ScanOptions {
  rules: RuleSet;
  /** Hashes of masked lines of a passing log of the same job. */
  passLines?: Set<number>;
  examples?: ExampleModel;
  /** Aligns the log with confirmed chunks (few-shot). */
  matcher?: ExampleMatcher;
  /** Hashes of masked lines that are normal in many repositories' logs (background.ts). */
  background?: ReadonlySet<number>;
}

/** What a scan found: candidate blocks, the last lines, and whole-log category evidence. */
export interface ScanResult {
  blocks: Block[];
  tail: BlockLine[];
  lines: number;
  failedCommands: readonly FailedCommand[];
  /** Strongest categorized line per rule over the whole log. */
  ruleHits: Map<string, { rule: CompiledRule; count: number; best: BlockLine }>;
  /** The markers of the rules the log was scanned with (where a report ends, …). */
  markers: Markers;
}

const SIGNAL = 2; // a line scoring at least this opens or extends a block
const MAX_GAP = 3; // non-signal lines tolerated inside a block (2: CiDiff F1 0.729, 3: 0.754, 4: 0.728)
const MAX_BLOCK_LINES = 300;
const KEEP_TOP = 24; // best blocks kept by their own score
const KEEP_RECENT = 12; // latest blocks kept whatever their score (failures sit near the end)
const TAIL_LINES = 30;
const STORED_CHARS = 600; // text kept per block line
const MAX_CONTINUATION = 20; // continuation lines a block may run past its last signal, stack traces excepted (12: logchunks F1 0.587, 20: 0.590, 30: 0.589)
const MAX_DETAIL = 12; // lines of a headline's unindented paragraph a block may take

const MAX_HEADING_DEPTH = 3; // lines above an indented signal its heading may be
// An ANSI SGR sequence that sets a red foreground (31, bright 91, or 38;5;1/9).
// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters
const RED = /\x1b\[(?:[\d;]*;)?(?:31|91|38;5;(?:1|9))(?:;[\d;]*)?m/;

// Lines that continue the previous one whatever the tool: indented detail, carets and tildes
// under a column, diff lines (`--- Expected`, `+++ Actual`, `@@ @@`, `-old`, `+new`), a quoted
// source line with its number gutter. Tools' own shapes (stack frames, `caused by`) are the packs'
// `continuation` and `stack-frame` markers.
const CONTINUATION = /^(?:\s+\S|[+-]|@@ |\||\^|~|\s*\d+ \|)/;

/** Streaming scanner; feed raw lines with {@link FailureScanner.line}, then call {@link FailureScanner.finish}. */
export class FailureScanner {
  private step: string | null = null;
  private current: Block | null = null;
  private pending: BlockLine[] = [];
  private gap = 0;
  private seq = 0;
  private top: Block[] = [];
  private recent: Block[] = [];
  private readonly tail: BlockLine[] = [];
  private lineCount = 0;
  private sinceSignal = 0;
  /** True while the lines since the last signal run on without a blank line (its detail). */
  private inDetail = false;
  /** Texts of the current block's scoring lines, so that a repeated line adds to its mass once. */
  private readonly massTexts = new Set<string>();
  private readonly context: LineContext;
  private readonly commands: CommandTracker;
  private readonly markers: Markers;
  private readonly ruleHits: ScanResult["ruleHits"] = new Map();
  private readonly novelLead: NovelLead<BlockLine> | undefined;
  private readonly maxBlockLines: number;

  constructor(private readonly options: ScanOptions) {
    this.markers = options.rules.markers;
    this.context = new LineContext(this.markers);
    this.commands = new CommandTracker(this.markers);
    this.novelLead = options.passLines ? new NovelLead() : undefined;
    this.maxBlockLines = options.passLines ? PASS_BLOCK_LINES : MAX_BLOCK_LINES;
  }

  /** Handles one raw line. */
  line(raw: string, no: number): void {
    this.lineCount = no;
    const text = cleanLine(raw);
    if (raw.includes("##[group]") || raw.includes("section_start:") || raw.includes("travis_fold:start")) {
      const mark = stepMark(raw, text);
      if (mark) {
        this.closeBlock();
        this.step = mark.name;
        return;
      }
    }
    const verdict = judgeLine(this.options.rules, text);
    const context = this.context.next(text, verdict.score);
    let score = context.score;
    if (context.warningsSectionStarts) this.closeBlock();
    const { passLines, examples } = this.options;
    let novel = false; // pass-diff: the line is absent from the passing log
    let continues = false; // pass-diff: the line continues a block it follows
    if (passLines || examples) {
      const masked = maskLine(text);
      if (passLines) ({ score, novel, continues } = passVerdict(passLines, masked, score));
      if (examples) score += examples.scoreLine(masked);
      this.options.matcher?.line(no, text, masked);
    }
    if (this.options.background) score = backgroundScore(this.options.background, text, score);
    const entry: BlockLine = { no, text: text.length > STORED_CHARS ? text.slice(0, STORED_CHARS) : text, score, rule: verdict.top, categorized: verdict.categorized };
    if (passLines && !novel) entry.inPassLog = true;
    if (raw.includes("\x1b[") && RED.test(raw)) entry.red = true;
    const command = this.commands.see(text, no, this.tail);
    const failedMarker = command === "failed";
    // A block never spans two commands: the output of each explains its own exit.
    if (command === "start") this.closeBlock();
    this.remember(entry);
    const blank = text.trim() === "";
    if (score >= SIGNAL) this.addSignal(entry);
    else if (this.current && score > -1 && ((continues && !failedMarker) || this.continuesBlock(text, blank))) this.addLine(entry);
    else this.addGap(entry);
    this.inDetail = !blank && (score >= SIGNAL ? this.introduces(text) : this.inDetail && this.current !== null);
    if (this.current) this.novelLead?.clear();
    else this.novelLead?.see(entry, novel && score > -1 && !failedMarker);
    // A line of the block that says how the run ended closes the report: what follows is another one.
    if (this.current?.end === no && endsReport(this.markers, text)) this.closeBlock();
    // A test that passed after it: the runner has moved on, the report is over.
    else if (score < SIGNAL && this.markers["passed-test"].test(text)) this.closeBlock();
  }

  /** An unscored line continues the block: a stack frame, indented detail, or the paragraph of a headline. */
  private continuesBlock(text: string, blank: boolean): boolean {
    const continuation = CONTINUATION.test(text) || this.markers.continuation.test(text);
    if (!continuation && !(this.inDetail && !blank)) return false;
    return this.markers["stack-frame"].test(text) || this.sinceSignal < (continuation ? MAX_CONTINUATION : MAX_DETAIL);
  }

  /**
   * A line that announces detail on the lines after it (`rake aborted!`, `There was 1 failure:`,
   * a pack's `introduces`): its paragraph continues the block even when not indented. (Letting
   * every signal line take its paragraph costs 0.28 F1 on CiDiff: verbose tools print unrelated
   * lines right after an error.)
   */
  private introduces(text: string): boolean {
    return /[:!]\s*$/.test(text) || this.markers.introduces.test(text);
  }

  /** Ends the scan and returns the bounded candidates. */
  finish(): ScanResult {
    this.closeBlock();
    const byStart = new Map<number, Block>();
    for (const b of [...this.top, ...this.recent]) byStart.set(b.start, b);
    const blocks = [...byStart.values()].sort((a, b) => a.start - b.start);
    this.commands.mark(blocks);
    return { blocks, tail: this.tail, lines: this.lineCount, failedCommands: this.commands.failed, ruleHits: this.ruleHits, markers: this.markers };
  }

  private remember(entry: BlockLine): void {
    this.tail.push(entry);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    for (const rule of entry.categorized) {
      const hit = this.ruleHits.get(rule.spec.id);
      if (!hit) this.ruleHits.set(rule.spec.id, { rule, count: 1, best: entry });
      else {
        hit.count++;
        if (entry.score >= hit.best.score) hit.best = entry;
      }
    }
  }

  private addSignal(entry: BlockLine): void {
    if (!this.current) {
      const lead = this.novelLead?.take() ?? this.headingOf(entry); // pass-diff: new lines leading to the failure
      this.current = { start: lead[0]?.no ?? entry.no, end: entry.no, lines: [], mass: 0, peak: 0, step: this.step, seq: this.seq++ };
      for (const l of lead) this.push(l);
    } else {
      for (const p of this.pending) this.push(p);
    }
    this.pending = [];
    this.gap = 0;
    this.sinceSignal = 0;
    this.push(entry);
  }

  /**
   * The heading an indented line that opens a block hangs under (`stylecheck: house style` above
   * `  src/a.js:12:3: Missing semicolon`): the nearest line above it in the same
   * paragraph that is indented less, with the lines between; none when it is a command's echo.
   */
  private headingOf(entry: BlockLine): BlockLine[] {
    const indent = indentOf(entry.text);
    if (indent === 0) return [];
    const above = this.tail.slice(-(MAX_HEADING_DEPTH + 1), -1);
    for (let i = above.length - 1; i >= 0; i--) {
      const l = above[i] as BlockLine;
      if (l.no !== entry.no - (above.length - i) || l.text.trim() === "" || l.score < 0) return [];
      if (indentOf(l.text) < indent) return this.markers.echo.test(l.text) ? [] : above.slice(i);
    }
    return [];
  }

  private addLine(entry: BlockLine): void {
    for (const p of this.pending) this.push(p);
    this.pending = [];
    this.gap = 0;
    this.sinceSignal++;
    this.push(entry);
  }

  private addGap(entry: BlockLine): void {
    if (!this.current) return;
    this.gap++;
    if (this.gap > MAX_GAP) this.closeBlock();
    else this.pending.push(entry);
  }

  private push(entry: BlockLine): void {
    const b = this.current;
    if (!b) return;
    b.lines.push(entry);
    b.end = entry.no;
    // A line repeated word for word (a retry loop) adds no evidence the first one did not.
    if (entry.score > 0 && !this.massTexts.has(entry.text)) {
      this.massTexts.add(entry.text);
      b.mass += entry.score;
    }
    if (entry.score > b.peak) b.peak = entry.score;
    if (b.lines.length >= this.maxBlockLines) this.closeBlock();
  }

  private closeBlock(): void {
    const b = this.current;
    this.current = null;
    this.massTexts.clear();
    this.pending = [];
    this.gap = 0;
    if (!b) return;
    if (b.lines.length > MAX_BLOCK_LINES) compactLongBlock(b); // pass-diff: only its blocks grow this long
    this.recent.push(b);
    if (this.recent.length > KEEP_RECENT) this.recent.shift();
    this.top.push(b);
    if (this.top.length > KEEP_TOP * 2) {
      this.top.sort((x, y) => blockStrength(y) - blockStrength(x));
      this.top.length = KEEP_TOP;
    }
  }
}

const indentOf = (text: string): number => text.length - text.trimStart().length;

/** A block's own strength, before position is taken into account. */
export function blockStrength(b: Block): number {
  return b.peak * 2 + Math.sqrt(b.mass);
}
