/**
 * A large made-up CI log, generated as a stream (never held whole), to show that the triage's
 * memory stays flat however long the log is. The lines imitate a build: steps, compiler and test
 * output with counters and hashes that change, a few warnings and errors, a failure at the end.
 */
import { seeded } from "./folds.js";

const WORDS = ["compiling", "module", "linking", "resolving", "fetching", "running", "checking", "cache", "target", "bundle", "worker", "artifact"];

function* bodyLines(rnd: () => number): Generator<string> {
  let n = 0;
  for (;;) {
    n++;
    const w = WORDS[Math.floor(rnd() * WORDS.length)] ?? "step";
    const r = rnd();
    if (r < 0.002) yield `##[group]Run step ${n}`;
    else if (r < 0.004) yield "##[endgroup]";
    else if (r < 0.006) yield `warning: unused variable \`tmp${n % 97}\` in src/mod_${n % 31}.rs:${n % 400}:7`;
    else if (r < 0.0065) yield `error: request to registry.example.test failed, retrying (${n % 5}/5)`;
    else if (r < 0.05) yield `    at worker.run (src/pool/worker_${n % 13}.js:${n % 900}:${n % 40})`;
    else if (r < 0.1) yield `test suite_${n % 211}::case_${n % 1013} ... ok (${(rnd() * 90).toFixed(1)} ms)`;
    else yield `[${new Date(1_700_000_000_000 + n * 37).toISOString()}] ${w} ${w === "cache" ? "hit" : "unit"} ${(n * 2654435761 >>> 0).toString(16)} (${n % 1000}/${1000})`;
  }
}

const FAILURE = [
  "FAILED tests/test_made_up.py::test_widget_resizes - AssertionError: expected 3, got 4",
  "E   assert 4 == 3",
  "=== 1 failed, 2031 passed in 412.20s ===",
  "##[error]Process completed with exit code 1.",
];

/** Yields about `bytes` of log in chunks of about `chunkBytes`, ending with a failure. */
export async function* bigLog(bytes: number, chunkBytes = 1 << 20, seed = 7): AsyncGenerator<Buffer> {
  const lines = bodyLines(seeded(seed));
  let sent = 0;
  while (sent < bytes) {
    const parts: string[] = [];
    let size = 0;
    while (size < chunkBytes) {
      const line = lines.next().value as string;
      parts.push(line);
      size += line.length + 1;
    }
    const chunk = Buffer.from(parts.join("\n") + "\n");
    sent += chunk.byteLength;
    yield chunk;
  }
  yield Buffer.from(FAILURE.join("\n") + "\n");
}
