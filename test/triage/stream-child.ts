/**
 * Child process of stream.test.ts: triages a generated 200 MB log (ANSI, invalid UTF-8, binary
 * junk, over-long lines, many error-looking lines) streamed in chunks, and reports peak RSS growth.
 */
import { triageLog } from "../../src/triage/index.js";

const TOTAL = Number(process.argv[2] ?? 200) * 1024 * 1024;
const enc = new TextEncoder();
const noise = [
  "\x1b[32m  ✓ renders the header\x1b[0m (12ms)\n",
  "2024-05-01T10:00:01.1234567Z Downloading https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\n",
  "warning: unused variable `x` at src/lib.rs:12:9\n",
  "npm WARN deprecated request@2.88.2: request has been deprecated\n",
  "error: retrying in 2s (attempt 1 of 3)\n",
];
const junk = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x1b, 0x5b, 0x30, 0x4b, 0x0d, 0x0a]);
const longLine = enc.encode("x".repeat(300_000) + "\n");

let peak = 0;
async function* generate(): AsyncGenerator<Uint8Array> {
  let sent = 0;
  let i = 0;
  while (sent < TOTAL) {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < 64 * 1024) {
      const p = i % 997 === 0 ? junk : i % 50_021 === 0 ? longLine : enc.encode(noise[i % noise.length] as string);
      parts.push(p);
      size += p.byteLength;
      i++;
    }
    const chunk = Buffer.concat(parts);
    sent += chunk.byteLength;
    if (i % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    yield chunk;
  }
  yield enc.encode("--- FAIL: TestCheckout (0.03s)\n    checkout_test.go:42: expected total 120 but got 118\nFAIL\tgithub.com/acme/api/checkout\t0.512s\n");
}

global.gc?.();
const before = process.memoryUsage().rss;
const result = await triageLog(generate());
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(JSON.stringify({ before, peak, growthMb: (peak - before) / 1024 / 1024, lines: result.stats.lines, bytes: result.stats.bytes, category: result.category, top: result.topLine?.text }) + "\n");
