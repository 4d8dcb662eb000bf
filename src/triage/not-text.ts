/**
 * Telling a text log from binary junk (an image, an archive, random bytes) before anyone reads
 * a category into it: the first bytes decide. Logs are text, with ANSI colours and the odd
 * stray byte (even a NUL), so only a known binary signature, many control bytes or much
 * invalid UTF-8 count.
 */
import { badInput, type SlipwayError } from "../core/errors.js";

/** Bytes looked at: enough to judge, little to keep. */
export const SNIFF_BYTES = 8192;

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x1f, 0x8b], "gzip-compressed data"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x7f, 0x45, 0x4c, 0x46], "an ELF executable"],
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd-compressed data"],
];

/** What the sample is when it is not a text log ("a PNG image", "binary data"), else undefined. */
export function notTextLog(sample: Uint8Array): string | undefined {
  if (sample.length === 0) return undefined;
  for (const [magic, what] of SIGNATURES) if (magic.every((b, i) => sample[i] === b)) return what;
  let control = 0;
  for (const b of sample) {
    // Tab, newline, carriage return, form feed, escape (ANSI colours) are at home in logs; a
    // stray NUL or two is too (a crashed tool's output), so only their share counts.
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  if (control / sample.length > 0.05) return "binary data";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(sample);
  // Cut characters at the sample's end are not evidence; many replacement characters are.
  const replaced = (text.match(/\uFFFD/g) ?? []).length;
  return replaced / Math.max(1, text.length) > 0.1 ? "binary data" : undefined;
}

/** How a log is named in errors: "the log", "the passing log", or the file it came from. */
export type LogName = string;

/**
 * A log that is not text is bad input (HTTP 400, exit 2): no category can be read into an image
 * or an archive, and answering one would record a cluster of noise.
 */
export function notTextLogError(name: LogName, what: string): SlipwayError {
  const compressed = /compressed|archive/.test(what);
  return badInput(`${name} is not a text log: it looks like ${what}`, {
    hint: compressed ? "uncompress it first (gunzip, unzip) and send the job's plain-text log" : "send the job's plain-text log (the console output of the failed job), not another file",
    details: { looksLike: what },
  });
}

/** The first SNIFF_BYTES bytes of a chunk (a string is encoded as UTF-8 first). */
function leadingBytes(chunk: Uint8Array | string, max = SNIFF_BYTES): Uint8Array {
  const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk.slice(0, max)) : chunk;
  return bytes.subarray(0, max);
}

/** What a log held whole is when it is not text (judged by its first bytes), else undefined. */
export function notTextLogOf(log: string | Uint8Array): string | undefined {
  return notTextLog(leadingBytes(log));
}

/** Throws bad input when a log held whole (a stored or uploaded run log) is not text. */
export function requireTextLog(log: string | Uint8Array, name: LogName): void {
  const what = notTextLogOf(log);
  if (what) throw notTextLogError(name, what);
}

/**
 * Keeps the first SNIFF_BYTES bytes that pass through and judges them as soon as it has them
 * (or at the end, for a shorter log), so a binary upload is refused without reading it all.
 */
export class TextSniffer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private judged = false;

  constructor(private readonly name: LogName) {}

  /** Takes a chunk; throws bad input once the sample shows the log is not text. */
  take(chunk: Uint8Array | string): void {
    if (this.size >= SNIFF_BYTES) return;
    const part = leadingBytes(chunk, SNIFF_BYTES - this.size);
    this.parts.push(part);
    this.size += part.length;
    if (this.size >= SNIFF_BYTES) this.judge();
  }

  /** Judges a log shorter than the sample; throws bad input when it is not text. */
  end(): void {
    if (!this.judged) this.judge();
  }

  private judge(): void {
    this.judged = true;
    const what = notTextLog(Buffer.concat(this.parts));
    this.parts.length = 0;
    if (what) throw notTextLogError(this.name, what);
  }
}
