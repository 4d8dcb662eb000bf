import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { makeRedactor } from "../../core/redact.js";

/**
 * The replica log: the app's stdout/stderr cut into lines, secret values redacted, each line
 * prefixed with an ISO time and its stream (`out`, `err`, or `sys` for the shim's own notes).
 */

/** Lines longer than this are written in pieces, so one endless line cannot exhaust memory. */
export const MAX_LINE = 64 * 1024;

export type LogStream = "out" | "err" | "sys";

/**
 * A redactor that also catches each line of a multi-line secret (a PEM key, say), because the
 * log is redacted line by line and a whole multi-line value never appears within one line.
 */
export function secretRedactor(values: Iterable<string>): { redact: (text: string) => string; longest: number } {
  const fragments = [...values].flatMap((v) => [v, ...v.split(/\r?\n/)]);
  const longest = fragments.reduce((max, v) => Math.max(max, v.length), 0);
  return { redact: makeRedactor(fragments), longest };
}

/** Cuts a stream of text chunks into redacted lines. */
export interface LineSplitter {
  push(chunk: string): void;
  /** Emits what is left of an unterminated last line. */
  end(): void;
}

/**
 * Splits text into lines and redacts each. A line longer than `maxLine` is emitted in pieces
 * of `maxLine` characters; the last `keep` characters (longest secret − 1) stay buffered, so a
 * secret that straddles a cut is still seen whole by the next redaction.
 */
export function createLineSplitter(
  onLine: (line: string) => void,
  redact: (text: string) => string,
  options: { keep: number; maxLine?: number },
): LineSplitter {
  const keep = Math.max(0, options.keep);
  const maxLine = Math.max(options.maxLine ?? MAX_LINE, keep * 2 + 1);
  let pending = "";
  const emit = (line: string) => onLine(redact(line.endsWith("\r") ? line.slice(0, -1) : line));
  return {
    push(chunk) {
      pending += chunk;
      let start = 0;
      for (let nl = pending.indexOf("\n"); nl !== -1; nl = pending.indexOf("\n", start)) {
        emit(pending.slice(start, nl));
        start = nl + 1;
      }
      pending = pending.slice(start);
      if (pending.length > maxLine) {
        // Complete secrets are gone after this; an incomplete one can only sit in the last `keep` characters.
        const redacted = redact(pending);
        let start = 0;
        while (redacted.length - start - keep >= maxLine) {
          onLine(redacted.slice(start, start + maxLine));
          start += maxLine;
        }
        pending = redacted.slice(start);
      }
    },
    end() {
      if (pending.length > 0) emit(pending);
      pending = "";
    },
  };
}

/** An append-only log file writer. */
export interface LogSink {
  write(stream: LogStream, line: string): void;
  /** True while the file writer has more buffered than it wants; wait for `onDrain`. */
  readonly congested: boolean;
  onDrain(callback: () => void): void;
  close(): Promise<void>;
}

/** Opens (appends to) the replica log file. Lines must already be redacted. */
export function openLogSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true });
  const file = createWriteStream(path, { flags: "a", mode: 0o600 });
  let congested = false;
  // A full disk must not kill the supervisor (and with it the app): note it once and go on.
  let reported = false;
  file.on("error", (err) => {
    if (!reported) console.error(`slipway shim: cannot write ${path}: ${err.message}`);
    reported = true;
  });
  file.on("drain", () => {
    congested = false;
  });
  return {
    write(stream, line) {
      if (!file.writable) return;
      if (!file.write(`${new Date().toISOString()} ${stream} ${line}\n`)) congested = true;
    },
    get congested() {
      return congested;
    },
    onDrain(callback) {
      file.once("drain", callback);
    },
    close() {
      return new Promise((resolve) => {
        if (file.closed || file.destroyed) resolve();
        else file.end(() => resolve());
      });
    },
  };
}
