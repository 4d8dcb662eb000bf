/** Rule pack `python`: Python: tracebacks, pytest, unittest and linters. */
import { marker, pack, rule } from "./define.js";

export const PYTHON_PACK = pack("python", "Python: tracebacks, pytest, unittest and linters.", [
  rule("traceback", 3, "^traceback \\(most recent call last\\)"),
  // flake8's, ruff's and pylint's issue codes after the position (`F401`, `E741`, `C0103`).
  rule("python-lint-code", 6, /^[\w./-]+(?:\.py:|\.pyi:)\d+:\d+: [A-Z]{1,4}\d{2,4}\b/.source, "lint", { headline: 5, caseSensitive: true }),
  // pytest-timeout's verdict on a test that ran too long: a timeout more than a failed assertion.
  rule("pytest-timeout", 7, /\bFailed: Timeout >\d/.source, "timeout", { headline: 4, caseSensitive: true }),
  rule("pytest-fail", 6, "^FAILED(?: \\[[^\\]]*\\])? \\S+::|^ERROR \\S+::|=+ \\d+ failed|^_{3,} \\S.* _{3,}$|^E\\s{3}\\S", "test", { headline: 4 }),
  // unittest's heading over a failed or erroring test: `ERROR: test_total (tests.test_cart.CartTest)`.
  rule("unittest-failed-test", 6, /^(?:ERROR|FAIL): test\w* \([\w.]+\)$/.source, "test", { headline: 5, caseSensitive: true }),
  // A traceback reaching the script's top level (`File "x.py", line 9, in <module>`): nothing caught it, the program crashed.
  rule("python-uncaught", 1, /^\s*File "[^"]+", line \d+, in <module>$/.source, "crash", { headline: 0, caseSensitive: true }),
  // ---- markers ----
  marker("python-frame", "stack-frame", /^\s*File "/.source, { caseSensitive: true }),
  // pytest's `E   assert …` and `>   call(…)` lines continue the failure they belong to.
  marker("pytest-detail", "continuation", /^(?:E\s|>\s)/.source),
  // unittest's `test_x (pkg.Tests) ... ERROR`: the traceback follows.
  marker("unittest-error-verdict", "introduces", /\.\.\. ERROR\s*$/.source, { caseSensitive: true }),
  marker("unittest-ok-verdict", "ends-report", /\.\.\. OK\s*$/.source),
  marker("pytest-warnings-section", "warnings-section", /^={3,} warnings summary ={3,}$/.source),
  // A traceback frame: the indented line after it is quoted source, not a message.
  marker("python-traceback-frame", "source-quote", /^\s*File "[^"]+", line \d+/.source, { caseSensitive: true }),
]);
