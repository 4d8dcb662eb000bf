/**
 * A block track: groups the judged lines of a log into candidate blocks (high-scoring lines and
 * their continuations: stack frames, indented detail), keeping only a bounded number of blocks,
 * so memory does not grow with the log. The scan feeds it each line once judged (scan.ts); the
 * refinement steps may have moved the line's score and marked it new (refine.ts).
 */
import { CommandTracker, type CommandMark, type FailedCommand } from "./commands.js";
import { FatalWarnings } from "./fatal-warnings.js";
import { NovelLead } from "./lead.js";
import { endsReport } from "./outcome.js";
import type { Markers } from "./rules/markers.js";
import type { CompiledRule, LineVerdict } from "./rules/rules.js";

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
  /**
   * The same log's blocks as the rules alone build them, when refinement steps moved line
   * scores (from the same single pass): the signature comes from them.
   */
  rulesOnly?: ScanResult;
}

/** One judged line, as the scan hands it to a block track. */
export interface TrackLine {
  no: number;
  /** The cleaned line. */
  text: string;
  /** Its score: the rules' in context, then the refinement steps'. */
  score: number;
  verdict: LineVerdict;
  /** The log coloured it red. */
  red: boolean;
  /** What it says about the commands (a command starts, one failed). */
  command: CommandMark;
  /** It opens a runner's warnings section. */
  sectionStarts: boolean;
  /** Whether a reference run (a passing log) prints it too: false when it does; undefined when nothing compared. */
  novel: boolean | undefined;
  /** A refinement step says it continues a block it follows, whatever its shape. */
  continues: boolean;
}

/** How a track builds blocks. */
export interface TrackOptions {
  /** A run of new lines before a block leads it (set when a step marks lines new). */
  leads: boolean;
  /** Most lines of a block. */
  maxBlockLines: number;
}

const SIGNAL = 2; // a line scoring at least this opens or extends a block
const MAX_GAP = 3; // non-signal lines tolerated inside a block (2: CiDiff F1 0.729, 3: 0.754, 4: 0.728)
/** Most lines of a block unless a refinement step keeps long reports whole (it must then compact them). */
export const MAX_BLOCK_LINES = 300;
const KEEP_TOP = 24; // best blocks kept by their own score
const KEEP_RECENT = 12; // latest blocks kept whatever their score (failures sit near the end)
const TAIL_LINES = 30;
const STORED_CHARS = 600; // text kept per block line
const MAX_CONTINUATION = 20; // continuation lines a block may run past its last signal, stack traces excepted (12: logchunks F1 0.587, 20: 0.590, 30: 0.589)
const MAX_DETAIL = 12; // lines of a headline's unindented paragraph a block may take
const MAX_HEADING_DEPTH = 3; // lines above an indented signal its heading may be
/** Lines kept whole at each end of a block longer than MAX_BLOCK_LINES: the evidence shows at most 40 + 40 lines. */
const SHOWN_AT_EACH_END = 40;

// Lines that continue the previous one whatever the tool: indented detail, carets and tildes
// under a column, diff lines (`--- Expected`, `+++ Actual`, `@@ @@`, `-old`, `+new`), a quoted
// source line with its number gutter. Tools' own shapes (stack frames, `caused by`) are the packs'
// `continuation` and `stack-frame` markers.
const CONTINUATION = /^(?:\s+\S|[+-]|@@ |\||\^|~|\s*\d+ \|)/;

/** Builds the candidate blocks of one view of a log; feed it with {@link BlockTrack.line}, then {@link BlockTrack.finish}. */
export class BlockTrack {
  private step: string | null = null;
  private current: Block | null = null;
  private pending: BlockLine[] = [];
  private gap = 0;
  private seq = 0;
  private top: Block[] = [];
  private recent: Block[] = [];
  private readonly tail: BlockLine[] = [];
  private sinceSignal = 0;
  /** True while the lines since the last signal run on without a blank line (its detail). */
  private inDetail = false;
  /** Texts of the current block's scoring lines, so that a repeated line adds to its mass once. */
  private readonly massTexts = new Set<string>();
  private readonly commands: CommandTracker;
  private readonly ruleHits: ScanResult["ruleHits"] = new Map();
  private readonly novelLead: NovelLead<BlockLine> | undefined;
  private readonly warnings: FatalWarnings;

  constructor(
    private readonly markers: Markers,
    private readonly options: TrackOptions,
  ) {
    this.commands = new CommandTracker(markers);
    this.warnings = new FatalWarnings(markers);
    this.novelLead = options.leads ? new NovelLead() : undefined;
  }

  /** A CI step starts (its name): a block never spans two steps. */
  stepStarts(name: string): void {
    this.closeBlock();
    this.step = name;
  }

  /** Takes one judged line. */
  line(l: TrackLine): void {
    const { no, text, score, verdict } = l;
    if (l.sectionStarts) this.closeBlock();
    const entry: BlockLine = { no, text: text.length > STORED_CHARS ? text.slice(0, STORED_CHARS) : text, score, rule: verdict.top, categorized: verdict.categorized };
    if (l.novel === false) entry.inPassLog = true;
    if (l.red) entry.red = true;
    this.commands.see(l.command, no, this.tail, l.command === "failed" ? this.warnings.take() : NO_LINES);
    const failedMarker = l.command === "failed";
    // A block never spans two commands: the output of each explains its own exit.
    if (l.command === "start") this.closeBlock();
    this.remember(entry);
    const fatal = this.warnings.see(entry, l.command);
    if (fatal) this.addBlock(fatal);
    const blank = text.trim() === "";
    if (score >= SIGNAL) this.addSignal(entry);
    else if (this.current && score > -1 && ((l.continues && !failedMarker) || this.continuesBlock(text, blank))) this.addLine(entry);
    else this.addGap(entry);
    this.inDetail = !blank && (score >= SIGNAL ? this.introduces(text) : this.inDetail && this.current !== null);
    if (this.current) this.novelLead?.clear();
    else this.novelLead?.see(entry, l.novel === true && score > -1 && !failedMarker);
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

  /** Ends the track and returns the bounded candidates of a log of `lines` lines. */
  finish(lines: number): ScanResult {
    this.closeBlock();
    const byStart = new Map<number, Block>();
    for (const b of [...this.top, ...this.recent]) byStart.set(b.start, b);
    const blocks = [...byStart.values()].sort((a, b) => a.start - b.start);
    this.commands.mark(blocks);
    return { blocks, tail: this.tail, lines, failedCommands: this.commands.failed, ruleHits: this.ruleHits, markers: this.markers };
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
      const lead = this.novelLead?.take() ?? this.headingOf(entry); // new lines leading to the failure
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

  /** A block made whole elsewhere (warnings a later line made fatal), between the blocks around it. */
  private addBlock(lines: readonly BlockLine[]): void {
    this.closeBlock();
    const first = lines[0] as BlockLine;
    this.current = { start: first.no, end: first.no, lines: [], mass: 0, peak: 0, step: this.step, seq: this.seq++ };
    for (const l of lines) this.push(l);
    this.closeBlock();
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
    if (b.lines.length >= this.options.maxBlockLines) this.closeBlock();
  }

  private closeBlock(): void {
    const b = this.current;
    this.current = null;
    this.massTexts.clear();
    this.pending = [];
    this.gap = 0;
    if (!b) return;
    if (b.lines.length > MAX_BLOCK_LINES) compactLongBlock(b);
    this.recent.push(b);
    if (this.recent.length > KEEP_RECENT) this.recent.shift();
    this.top.push(b);
    if (this.top.length > KEEP_TOP * 2) {
      this.top.sort((x, y) => blockStrength(y) - blockStrength(x));
      this.top.length = KEEP_TOP;
    }
  }
}

const NO_LINES: readonly BlockLine[] = [];

const indentOf = (text: string): number => text.length - text.trimStart().length;

/** A block's own strength, before position is taken into account. */
export function blockStrength(b: Block): number {
  return b.peak * 2 + Math.sqrt(b.mass);
}

/**
 * Frees the text of a long block's middle lines that name nothing (no rule, no score): never
 * shown. Only a track whose steps let blocks grow past MAX_BLOCK_LINES has such blocks.
 */
function compactLongBlock(b: Block): void {
  for (let i = SHOWN_AT_EACH_END; i < b.lines.length - SHOWN_AT_EACH_END; i++) {
    const l = b.lines[i] as BlockLine;
    // A copy: the same line may be held, text and all, by a failed command's tail.
    if (l.score <= 0 && !l.rule && l.categorized.length === 0 && l.text !== "") b.lines[i] = { ...l, text: "" };
  }
}
