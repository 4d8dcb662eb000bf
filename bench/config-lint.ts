/**
 * `npm run bench:lint`: how checking a slipway.yaml scales with its size. For each kind of
 * hostile file (many unknown keys, many config values, many broken environments, many broken
 * probes) it times parseServiceConfig at n and 4n repetitions and prints the time ratio, with
 * the smallest size as the baseline measured in the same run. Linear checking gives about 4;
 * quadratic (before issue 10) gave about 16. `tsx bench/config-lint.ts N` sets n (default 2000).
 */
import { readFileSync } from "node:fs";
import { parseServiceConfig } from "../src/core/config/index.js";

const BASE = readFileSync(new URL("../examples/hello/slipway.yaml", import.meta.url), "utf8");

const KINDS: Record<string, (n: number) => string> = {
  "unknown keys": (n) => BASE + Array.from({ length: n }, (_, i) => `junk_key_${i}: value ${i}`).join("\n") + "\n",
  "config values": (n) => BASE.replace("    GREETING: hi", Array.from({ length: n }, (_, i) => `    K${i}_TOKEN: v${i}`).join("\n")),
  "broken environments": (n) => BASE.replace("environments:\n", "environments:\n" + Array.from({ length: n }, (_, i) => `  e${i}:\n    target: { driver: process, replicas: -1 }\n    requires: { promoted_from: e${i + 1} }\n`).join("")),
  "broken probes": (n) => BASE.replace("        - { http: /healthz, expect_status: 200 }", Array.from({ length: n }, () => "        - { http: 5, expect_status: 'x' }").join("\n")),
};

function time(text: string): number {
  const best: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    parseServiceConfig(text, "bench.yaml");
    best.push(performance.now() - started);
  }
  return Math.min(...best);
}

const n = Number(process.argv[2] ?? 2000);
console.log(`config lint scaling: n=${n} vs 4n (baseline: the n-sized file of the same kind, same run)`);
for (const [kind, make] of Object.entries(KINDS)) {
  time(make(Math.max(1, n >> 2))); // warm-up: JIT and caches, so the baseline is not mostly start-up
  const small = make(n);
  const large = make(4 * n);
  const a = time(small);
  const b = time(large);
  console.log(`${kind.padEnd(20)} ${(small.length / 1024).toFixed(0).padStart(5)} KiB ${a.toFixed(0).padStart(6)} ms | ${(large.length / 1024).toFixed(0).padStart(5)} KiB ${b.toFixed(0).padStart(6)} ms | ratio ${(b / a).toFixed(1)} (linear ≈ 4)`);
}
