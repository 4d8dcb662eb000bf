/** Rule pack `go`: Go: go test, go build, go vet and linters (golangci-lint, staticcheck). */
import { marker, pack, rule } from "./define.js";

export const GO_PACK = pack("go", "Go: go test, go build, go vet and linters (golangci-lint, staticcheck).", [
  rule("go-test-fail", 7, "^\\s*--- FAIL: ", "test", { headline: 5 }),
  rule("go-package-fail", 4, "^FAIL\\s+\\S+", "test"),
  // The compiler's (and go vet's) diagnostic: file, line and column, then the message, with no
  // "error" word (a test's t.Errorf output is indented and has no column).
  rule("go-compile-error", 5, /^(?:##\[error\])?[\w./-]+\.go:\d+:\d+: \S/.source, "compile", { headline: 5, caseSensitive: true }),
  // The module files disagree with the code or each other: `go mod tidy` fixes them.
  rule("go-module-outdated", 7, /^go: updates to go\.mod needed|missing go\.sum entry/.source, "dependency", { headline: 4, caseSensitive: true }),
  rule("go-build-failed", 6, /^FAIL\s+\S+ \[(?:build|setup) failed\]/.source, "compile", { caseSensitive: true }),
  // A linter names its check after each issue (golangci-lint's `(errcheck)`, staticcheck's
  // `(SA1019)`); `(typecheck)` and `(compile)` are compile errors it relays.
  rule("go-lint-issue", 7, /^(?:##\[error\])?[\w./-]+\.go:\d+(?::\d+)?: .+ \((?!(?:typecheck|compile)\))[A-Za-z][A-Za-z0-9-]*\)$/.source, "lint", { headline: 5, caseSensitive: true }),
  // A panic nothing recovered; inside `go test` the test's `--- FAIL` names the failure first.
  rule("go-panic", 6, /^panic: \S/.source, "crash", { headline: 4, caseSensitive: true }),
  // ---- markers ----
  // A package's `FAIL` line and its coverage total say how the run ended.
  marker("go-package-outcome", "ends-report", /^FAIL(?:\s|$)|^coverage: /.source),
  marker("go-test-progress", "report-frame", /^\s*(?:=== RUN|--- (?:PASS|SKIP))\b/.source),
]);
