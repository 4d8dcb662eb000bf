/** Rule pack `native`: C, C++ and native builds: compilers, linkers, make, ninja, just, native test runners, crashes. */
import { marker, pack, rule } from "./define.js";

export const NATIVE_PACK = pack("native", "C, C++ and native builds: compilers, linkers, make, ninja, just, native test runners, crashes.", [
  rule("msvc-error", 7, ": (?:fatal )?error C\\d{4}\\b", "compile", { headline: 5 }),
  rule("ninja-make-failed", 5, "^FAILED: |ninja: build stopped|error: linker command failed|ld: .*error", "compile", { headline: 3 }),
  // make's `*** [target] Error 2` says which target failed, never why (its recipe's output does).
  rule("make-target-failed", 5, "make(?:\\[\\d+\\])?: \\*\\*\\* .*error \\d+", "compile", { headline: 1 }),
  // Bazel's verdict on a test target: `FAIL: //pkg:test (see …/test.log)`, `//pkg:test  FAILED in 0.4s`.
  rule("bazel-test-failed", 6, /^FAIL: \/\/\S+|^\/\/\S+\s+FAILED(?: in |$)/.source, "test", { headline: 4, caseSensitive: true }),
  rule("native-crash", 6, "segmentation fault|SIGSEGV|\\bsegfault\\b|core dumped|bus error|illegal instruction|SIGABRT|stack overflow", "crash", {
    headline: 3,
    // A fatal signal is as often a toolchain's, a runner's or a data race's as a deterministic bug.
    flaky: 0.55,
    cause: "a process was killed by a fatal signal (segmentation fault, abort, bus error, stack overflow)",
    next: "retry once: a crash that does not repeat is a race, a toolchain or a runner fault; if it repeats, run the command under a debugger or sanitizer (ASan, valgrind) to find the bad access",
  }),
  // CTest's list of what failed: `  3 - parser_tests (Failed)`, `  7 - io_tests (SEGFAULT)`.
  rule("ctest-failed", 6, "^\\s*\\d+ - \\S+ \\((?:Failed|SEGFAULT|Timeout|Not Run|Subprocess aborted|Child aborted|Exception|OTHER_FAULT|ILLEGAL|BUS_ERROR)\\)", "test", { headline: 5, caseSensitive: true }),
  rule("ctest-totals", 0, "^The following tests FAILED:|^Errors while running CTest|^\\d+% tests passed, [1-9]\\d* tests? failed out of \\d+", undefined, { headline: 0, caseSensitive: true }),
  // CMake's configure errors: `CMake Error at CMakeLists.txt:12 (find_package):`, with the message indented under it.
  rule("cmake-missing-package", 7, /^CMake Error at \S+:\d+ \(find_package\)/.source, "dependency", { headline: 5, caseSensitive: true }),
  rule("cmake-error", 6, /^CMake Error\b/.source, "compile", { headline: 4, caseSensitive: true }),
  // ---- markers ----
  marker("make-failed", "command-failed", /^make: \*\*\* .*Error/.source, { caseSensitive: true }),
  marker("just-recipe-failed", "command-failed", /^error: Recipe `.*` failed/.source, { caseSensitive: true }),
  marker("make-ninja-outcome", "ends-report", /^make(?:\[\d+\])?: (?:\*\*\* \[.*\] Error \d+|Leaving directory)|^ninja: build stopped|^collect2: (?:error: )?ld returned \d+ exit status/.source),
  // Boost.Test-style verdicts on a test case.
  marker("native-test-verdict", "ends-report", /\*\*\* (?:FAILED|SKIPPED) (?:test case|\{)/.source),
  // A debugger's or sanitizer's numbered frame (`#3 0x… in main`).
  marker("native-frame", "stack-frame", /^\s*#\d+ /.source, { caseSensitive: true }),
  marker("cc-werror", "warnings-fatal", /\ball warnings being treated as errors\b/.source, { caseSensitive: true }),
]);
