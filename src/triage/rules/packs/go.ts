/** Rule pack `go`: Go: go test and go build. */
import { marker, pack, rule } from "./define.js";

export const GO_PACK = pack("go", "Go: go test and go build.", [
  rule("go-test-fail", 7, "^\\s*--- FAIL: ", "test", { headline: 5 }),
  rule("go-package-fail", 4, "^FAIL\\s+\\S+", "test"),
  // ---- markers ----
  // A package's `FAIL` line and its coverage total say how the run ended.
  marker("go-package-outcome", "ends-report", /^FAIL(?:\s|$)|^coverage: /.source),
  marker("go-test-progress", "report-frame", /^\s*(?:=== RUN|--- (?:PASS|SKIP))\b/.source),
]);
