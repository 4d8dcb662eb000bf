/**
 * Loaders for the shared triage data sets (../shared/data, read-only). Archives are unpacked
 * once into the OS temp directory; nothing is copied into the repository.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { splitLines } from "../../src/triage/lines.js";
import { confirmedExample } from "../../src/triage/anchors.js";
import type { ConfirmedExample } from "../../src/triage/types.js";

/** Where the data sets live: SLIPWAY_TRIAGE_DATA or ../shared/data next to the repository. */
export const DATA_DIR = process.env.SLIPWAY_TRIAGE_DATA ?? resolve(import.meta.dirname, "../../../shared/data");
const CACHE = join(tmpdir(), "slipway-triage-data");

function unpack(name: string, archive: string): string {
  const dir = join(CACHE, name);
  if (existsSync(join(dir, ".done"))) return dir;
  mkdirSync(dir, { recursive: true });
  if (archive.endsWith(".zip")) execFileSync("unzip", ["-qo", archive, "-d", dir]);
  else execFileSync("tar", ["-xJf", archive, "-C", dir]);
  execFileSync("touch", [join(dir, ".done")]);
  return dir;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** One labeled LogChunks example: the log path, its repository and the labeled line numbers. */
export interface ChunkCase {
  repo: string;
  logPath: string;
  /** Labeled 1-based line numbers (after splitting like the triage does). */
  lines: Set<number>;
  /** The labeled chunk's lines (for few-shot examples). */
  chunk: string[];
  /** What a confirmation of this log records besides the chunk (see confirmedExample). */
  before: string[];
  after: string[];
  linesAfter: number;
}

// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

function unescapeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** LogChunks: labeled chunks located in their logs (ANSI stripped, CRLF folded, as the README says). */
export function loadLogChunks(): { cases: ChunkCase[]; unlocated: number } {
  const logs = unpack("logchunks", join(DATA_DIR, "logchunks/logs.tar.xz"));
  const cases: ChunkCase[] = [];
  let unlocated = 0;
  for (const xml of walk(join(DATA_DIR, "logchunks/labels")).filter((p) => p.endsWith(".xml"))) {
    const raw = readFileSync(xml, "utf8");
    for (const m of raw.matchAll(/<ExampleDataOfString>([\s\S]*?)<\/ExampleDataOfString>/g)) {
      const ex = m[1] ?? "";
      const input = /<InputPath>([\s\S]*?)<\/InputPath>/.exec(ex)?.[1] ?? "";
      const output = unescapeXml(/<Output>([\s\S]*?)<\/Output>/.exec(ex)?.[1] ?? "");
      const logPath = join(logs, "samples", input);
      const located = locate(readFileSync(logPath, "utf8"), output);
      if (!located) {
        unlocated++;
        continue;
      }
      cases.push({ repo: basename(xml, ".xml"), logPath, ...located });
    }
  }
  return { cases, unlocated };
}

function locate(logText: string, chunk: string): Omit<ChunkCase, "repo" | "logPath"> | undefined {
  // Line i of `log` is line i of the raw log as the triage numbers it; only ANSI is removed.
  const log = splitLines(logText).map((l) => l.replace(ANSI, "")).join("\n");
  const chunkLines = splitLines(chunk.replace(ANSI, "").replace(/\s+$/, ""));
  let out = chunkLines.join("\n");
  if (out.trim() === "") return undefined;
  let at = log.indexOf(out);
  if (at < 0) {
    out = out.trim();
    at = log.indexOf(out);
  }
  if (at < 0) return undefined;
  let base = 1;
  for (let i = log.indexOf("\n"); i !== -1 && i < at; i = log.indexOf("\n", i + 1)) base++;
  const lines = new Set<number>();
  const chunkOut = splitLines(out);
  chunkOut.forEach((_, i) => lines.add(base + i));
  // The context as `slipway triage confirm --log` records it from the raw log (see confirmedExample).
  const context = confirmedExample(splitLines(logText), [{ start: base, end: base + chunkOut.length - 1 }]);
  return { lines, chunk: chunkOut, before: context.before ?? [], after: context.after ?? [], linesAfter: context.linesAfter ?? 0 };
}

/** One CiDiff pass/fail pair with its error lines (E ranges). */
export interface DiffCase {
  name: string;
  fail: string;
  pass: string;
  lines: Set<number>;
}

/** CiDiff cases: error lines only (context lines `C` are not the error). */
export function loadCiDiff(): DiffCase[] {
  const dir = unpack("cidiff", join(DATA_DIR, "cidiff/cases.tar.xz"));
  const out: DiffCase[] = [];
  for (const gt of walk(dir).filter((p) => basename(p) === "groundtruth").sort()) {
    const caseDir = gt.slice(0, -"/groundtruth".length);
    const lines = new Set<number>();
    for (const row of readFileSync(gt, "utf8").split("\n").slice(1)) {
      const m = /^E\s+(\d+)(?:-(\d+))?/.exec(row.trim());
      if (!m) continue;
      const a = Number(m[1]);
      const b = Number(m[2] ?? m[1]);
      for (let i = a; i <= b; i++) lines.add(i);
    }
    out.push({ name: caseDir.slice(dir.length + 1), fail: join(caseDir, "fail.log"), pass: join(caseDir, "pass.log"), lines });
  }
  return out;
}

/** PyTorch classifier fixtures: the log without the marker, and the marked line number. */
export function loadPytorch(): { name: string; text: string; line: number }[] {
  const dir = join(DATA_DIR, "pytorch-classifier/classify");
  return readdirSync(dir).filter((f) => f.endsWith(".txt")).sort().map((f) => {
    const rows = readFileSync(join(dir, f), "utf8").split("\n");
    const idx = rows.findIndex((r) => r.startsWith("#=MATCH=# "));
    const text = rows.map((r) => r.replace(/^#=MATCH=# /, "").replace(/[\u2039\u203a]/g, "")).join("\n");
    return { name: f, text, line: idx + 1 };
  });
}

/** Veloren failed-job logs with the manual flaky label (4th field of the file name). */
export function loadVeloren(): { name: string; path: string; flaky: boolean }[] {
  const dir = unpack("veloren", join(DATA_DIR, "veloren-flaky/logs.zip"));
  return walk(dir).filter((p) => p.endsWith(".log")).sort().map((p) => ({ name: basename(p), path: p, flaky: basename(p).split("_")[3] === "1" }));
}

/** Loghub-2k systems: the content of each line and its true template id. */
export function loadLoghub(corrected: boolean): { system: string; contents: string[]; events: string[] }[] {
  const dir = join(DATA_DIR, "loghub-2k");
  const out: { system: string; contents: string[]; events: string[] }[] = [];
  for (const system of readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort()) {
    const plain = join(dir, system, `${system}_2k.log_structured.csv`);
    const fixed = join(dir, system, `${system}_2k.log_structured_corrected.csv`);
    const file = corrected && existsSync(fixed) ? fixed : plain;
    if (!existsSync(file)) continue;
    const rows = parseCsv(readFileSync(file, "utf8"));
    const header = rows[0] ?? [];
    const ci = header.indexOf("Content");
    const ei = header.indexOf("EventId");
    const body = rows.slice(1).filter((r) => r.length === header.length);
    out.push({ system, contents: body.map((r) => r[ci] ?? ""), events: body.map((r) => r[ei] ?? "") });
  }
  return out;
}

/** A small RFC 4180 CSV parser (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** A LogChunks job's number (its log's file name), which orders the jobs of a repository in time. */
function jobNumber(c: ChunkCase): number {
  return Number(basename(c.logPath, ".log")) || 0;
}

/**
 * Few-shot examples for one log, as the product would have them: the `k` other labeled logs of
 * the same repository nearest before it in time (confirmed earlier), filled with the nearest
 * after it when fewer than `k` came before.
 */
export function fewShotExamples(cases: readonly ChunkCase[], c: ChunkCase, k = 3): ConfirmedExample[] {
  const others = cases.filter((x) => x.repo === c.repo && x !== c).sort((a, b) => jobNumber(a) - jobNumber(b));
  const before = others.filter((x) => jobNumber(x) < jobNumber(c)).slice(-k);
  const after = others.filter((x) => jobNumber(x) >= jobNumber(c)).slice(0, k - before.length);
  return [...before, ...after].map((x) => ({ lines: x.chunk, before: x.before, after: x.after, linesAfter: x.linesAfter }));
}
