/** Rule pack `rust`: Rust: rustc diagnostics, cargo, panics. */
import { marker, pack, rule } from "./define.js";

export const RUST_PACK = pack("rust", "Rust: rustc diagnostics, cargo, panics.", [
  rule("rust-error-code", 7, "^error\\[E\\d{4}\\]", "compile", { headline: 5 }),
  rule("rust-panic", 6, "panicked at|thread '.*' panicked", "test", { headline: 4 }),
  // The program's main thread panicked: a crash, not a test (libtest names a test's thread after it).
  rule("rust-main-panic", 7, /^thread 'main' panicked at/.source, "crash", { headline: 4, caseSensitive: true }),
  // cargo's closing word on a failed build or test run: the diagnostics or panics above name the
  // failure, this line never does.
  rule("cargo-wrapper", 0, "^error: (?:test failed, to rerun pass |could not compile `)", undefined, { headline: 0, caseSensitive: true }),
  // ---- markers ----
  // rustc's closing lines after its diagnostics, and cargo's after rustc's.
  marker("rustc-outcome", "ends-report", /\bfor a (?:full |verbose )?backtrace\b|^for more information about this error\b|^error: aborting due to (?:\d+ )?previous errors?\b|^error: (?:could not compile `[^`]+`\.?|build failed)\s*$/.source),
  // A diagnostic's `--> src/main.rs:3:5` and `= note: …` lines.
  marker("rustc-diagnostic-lines", "continuation", /^(?:-->|= )/.source),
]);
