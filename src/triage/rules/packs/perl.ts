/** Rule pack `perl`: Perl: Test::More diagnostics and prove. */
import { pack, rule } from "./define.js";

export const PERL_PACK = pack("perl", "Perl: Test::More diagnostics and prove.", [
  // Test::More's diagnostic under a `not ok`: `#   Failed test 'parses dates'`, `#   Failed test at t/x.t line 12.`
  rule("perl-failed-test", 6, "^#\\s+Failed test (?:'.*'|\".*\"|at \\S+ line \\d+|in \\S+ at line \\d+)", "test", { headline: 5, caseSensitive: true }),
  rule("prove-dubious", 5, "Dubious, test returned [1-9]\\d*", "test", { headline: 3, caseSensitive: true }),
  // prove's totals: `Failed 2/31 test programs. 3/412 subtests failed.`, `Result: FAIL`.
  rule("prove-totals", 0, "^Failed \\d+/\\d+ test programs|^Result: FAIL\\s*$", undefined, { headline: 0, caseSensitive: true }),
]);
