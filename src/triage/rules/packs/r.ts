/** Rule pack `r`: R: R CMD check and testthat. */
import { marker, pack, rule } from "./define.js";

export const R_PACK = pack("r", "R: R CMD check and testthat.", [
  // testthat's report of one expectation: `── Failure (test-dates.R:12:3): parses ISO dates ──`.
  rule("testthat-failure", 6, "^(?:── )?(?:Failure|Error) \\([^)]*\\)", "test", { headline: 5, caseSensitive: true }),
  // R CMD check's verdict on one check: `* checking examples ... ERROR`.
  rule("r-check-error", 5, "^\\* checking .*\\.\\.\\. ERROR\\s*$", undefined, { headline: 3, caseSensitive: true }),
  // Totals that repeat the failures above: R CMD check's `Status: 1 ERROR`, testthat's `[ FAIL 2 | WARN 0 | SKIP 1 | PASS 40 ]`.
  rule("r-check-totals", 0, "^Status: [1-9]\\d* ERRORs?\\b|^\\[ FAIL [1-9]\\d*", undefined, { headline: 0, caseSensitive: true }),
  marker("r-check-outcome", "ends-report", /^\* DONE\s*$|^\s*Execution halted\s*$/.source),
]);
