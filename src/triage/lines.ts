/**
 * Turning raw log bytes into numbered, cleaned lines, one at a time.
 *
 * Line breaks are `\n`, `\r\n` and a lone `\r` (Java readLine semantics): CI logs use a lone CR
 * for progress bars, and the published data sets (CiDiff) number lines that way.
 */

/** Longest line kept; the rest of an over-long line (binary junk, minified bundles) is dropped. */
export const MAX_LINE_CHARS = 4096;

/** Receives each line with its 1-based number. */
export type LineSink = (raw: string, lineNo: number) => void;

/**
 * Splits a stream of bytes into lines without holding more than one partial line.
 * Invalid UTF-8 becomes U+FFFD (the decoder is not fatal), so binary junk never throws.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private partial = "";
  private skipLf = false;
  private lineNo = 0;
  private bytes = 0;

  constructor(private readonly sink: LineSink) {}

  /** Lines emitted so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Bytes consumed so far. */
  get byteCount(): number {
    return this.bytes;
  }

  /** Feeds a chunk of bytes (or an already decoded string). */
  push(chunk: Uint8Array | string): void {
    let text: string;
    if (typeof chunk === "string") {
      text = chunk;
      this.bytes += Buffer.byteLength(chunk);
    } else {
      text = this.decoder.decode(chunk, { stream: true });
      this.bytes += chunk.byteLength;
    }
    this.scan(text);
  }

  /** Flushes the last line (a log need not end with a newline). */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.scan(rest);
    if (this.partial.length > 0) this.emit(this.partial);
    this.partial = "";
  }

  private scan(text: string): void {
    let pos = 0;
    const n = text.length;
    if (this.skipLf && n > 0) {
      if (text.charCodeAt(0) === 10) pos = 1;
      this.skipLf = false;
    }
    // The next CR and the next LF are each searched once and reused until passed: most logs have
    // no CR, and progress bars put thousands of CR-ended lines before the next LF; searching
    // again at every line would rescan the rest of the chunk each time.
    let cr = text.indexOf("\r", pos);
    let lf = text.indexOf("\n", pos);
    while (pos < n) {
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      let brk = lf;
      if (cr !== -1 && (lf === -1 || cr < lf)) brk = cr;
      if (brk === -1) {
        this.append(text.slice(pos));
        return;
      }
      if (this.partial.length === 0) {
        // The common case, a whole line inside the chunk: no concatenation.
        this.emit(text.slice(pos, Math.min(brk, pos + MAX_LINE_CHARS)));
      } else {
        this.append(text.slice(pos, brk));
        this.emit(this.partial);
        this.partial = "";
      }
      pos = brk + 1;
      if (brk === cr) {
        // CR LF is one break; the LF may arrive in the next chunk.
        if (pos < n) {
          if (text.charCodeAt(pos) === 10) pos++;
        } else {
          this.skipLf = true;
        }
      }
    }
  }

  private append(piece: string): void {
    if (this.partial.length >= MAX_LINE_CHARS) return;
    this.partial = this.partial.length === 0 ? piece : this.partial + piece;
    if (this.partial.length > MAX_LINE_CHARS) this.partial = this.partial.slice(0, MAX_LINE_CHARS);
  }

  private emit(line: string): void {
    this.lineNo++;
    this.sink(line, this.lineNo);
  }
}

/** Splits a whole string into lines with the same rules as {@link LineSplitter}. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter((line) => out.push(line));
  splitter.push(text);
  splitter.end();
  return out;
}

/* eslint-disable no-control-regex -- matching control characters is what these expressions are for */
// ANSI CSI/OSC sequences, and the bare "[0K"/"[1m" left when a log viewer dropped the ESC byte.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;
// Other control characters except TAB; they are junk for matching and display.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;
const NEEDS_CLEANING = /section_|[\x00-\x08\x0b-\x1f\x7f]/;
// A CI timestamp prefix: GitHub Actions "2022-05-30T09:11:02.8576187Z ", ISO variants.
const TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? ?/;
// GitLab section markers glue onto the next text: "section_end:1657748964:prepare_script".
const GITLAB_SECTION = /section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?/g;

/**
 * The text of a line as people read it: no ANSI escapes, no control characters, no CI timestamp
 * prefix, no GitLab section markers. Cheap when there is nothing to remove.
 */
export function cleanLine(raw: string): string {
  let s = raw;
  // Most lines have neither a section marker nor a control character (ESC is one): one look.
  if (NEEDS_CLEANING.test(s)) {
    // Section markers first: their name ends where an escape sequence starts.
    if (s.includes("section_")) s = s.replace(GITLAB_SECTION, "");
    if (s.includes("\x1b")) s = s.replace(ANSI, "");
    if (HAS_CONTROL.test(s)) s = s.replace(CONTROL, "");
  }
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && s.charCodeAt(4) === 45) s = s.replace(TIMESTAMP_PREFIX, "");
  return s;
}

/** A CI step boundary recognised in a raw line. */
export interface StepMark {
  kind: "start" | "end";
  name: string;
}

const GH_GROUP = /^##\[group\](.*)$/;
const GITLAB_START = /section_start:\d+:([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?(?:\x1b\[0K)*(.*)$/;
const TRAVIS_FOLD = /travis_fold:(start|end):([A-Za-z0-9_.-]+)/;

/**
 * Recognises step boundaries: GitHub Actions `##[group]`, GitLab `section_start:`, Travis
 * `travis_fold:start:`. Works on the raw line (markers live inside escape sequences).
 */
export function stepMark(raw: string, clean: string): StepMark | undefined {
  if (clean.startsWith("##[group]")) {
    const m = GH_GROUP.exec(clean);
    return { kind: "start", name: (m?.[1] ?? "").trim() };
  }
  if (clean.startsWith("##[endgroup]")) return undefined;
  if (raw.includes("section_start:")) {
    const m = GITLAB_START.exec(raw);
    if (m) return { kind: "start", name: cleanLine(m[2] ?? "").trim() || (m[1] ?? "") };
  }
  if (raw.includes("travis_fold:")) {
    const m = TRAVIS_FOLD.exec(raw);
    if (m?.[1] === "start") return { kind: "start", name: m[2] ?? "" };
  }
  return undefined;
}
