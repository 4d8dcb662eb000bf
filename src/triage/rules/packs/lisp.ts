/** Rule pack `lisp`: Emacs Lisp (ERT) and Clojure (clojure.test, Leiningen). */
import { pack, rule } from "./define.js";

export const LISP_PACK = pack("lisp", "Emacs Lisp (ERT) and Clojure (clojure.test, Leiningen).", [
  // ERT's list of unexpected results: `   FAILED  2/14  parser-handles-empty-input`.
  rule("ert-failed", 6, "^\\s*FAILED\\s+\\d+/\\d+\\s+\\S", "test", { headline: 5, caseSensitive: true }),
  // clojure.test: `FAIL in (parse-test) (core_test.clj:12)`, `ERROR in (…)`.
  rule("clojure-test-failed", 6, "^(?:FAIL|ERROR) in \\(", "test", { headline: 5, caseSensitive: true }),
  // Totals: ERT's `Ran 14 tests, 12 results as expected, 2 unexpected`; clojure.test's `2 failures, 0 errors.`
  rule("lisp-totals", 0, "^Ran \\d+ tests, \\d+ results as expected, [1-9]\\d* unexpected|^Ran \\d+ tests containing \\d+ assertions|^\\d+ failures, \\d+ errors\\.\\s*$|^Tests failed\\.\\s*$", undefined, { headline: 0, caseSensitive: true }),
]);
