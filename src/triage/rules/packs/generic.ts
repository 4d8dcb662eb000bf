/** Rule pack `generic`: What tools of every ecosystem share: error and failure vocabulary, the categories (network, permission, timeout, out of memory…), noise that looks like an error, cross-tool wording (module and dependency resolution, linters), loggers and TAP. */
import { marker, pack, rule } from "./define.js";

export const GENERIC_PACK = pack("generic", "What tools of every ecosystem share: error and failure vocabulary, the categories (network, permission, timeout, out of memory…), noise that looks like an error, cross-tool wording (module and dependency resolution, linters), loggers and TAP.", [
  rule("error-word", 3, "\\berror\\b"),
  rule("error-colon", 2, "(?:^|\\s)(?:error|err!?|fatal|e)\\s*:"),
  rule("fatal-word", 3, "\\bfatal\\b"),
  rule("refusing", 3, "\\brefus(?:e|es|ed|ing) to\\b"),
  rule("failed-word", 2, "\\bfail(?:ed|ure|s)?\\b"),
  rule("exception", 3, "exception\\b.*?(?:\\bat\\b|:)|^\\s*(?:caused by|exception in thread)"),
  rule("python-error", 5, "^[A-Za-z_.]*(?:Error|Exception): \\S", undefined, { headline: 4, caseSensitive: true }),
  rule("aborted", 3, "\\baborted\\b|\\baborting\\b"),
  // A crash the line supposes or denies (a test title's `if no crash occurs`, `does not crash`) is
  // none, nor is a tool's crash reporting (`Sending crash reports`).
  rule("crash", 3, "\\b(?:panic|panicked|(?<!\\b(?:no|not|a|if|when|without|never|to) )crash(?:ed)?(?! report)|abort trap)\\b"),
  rule("nonzero-exit", 1, "(?:exit(?:ed)?(?: with)?(?: code| status)?|returned(?: non-zero exit status)?) [1-9]\\d*\\b"),
  rule("zero-failures", -5, "\\b0 (?:errors?|failures?|failed|failing|aborted)\\b|\\b(?:errors?|failures?|failed|aborted)(?:[:=] ?| )0\\b(?![.,]\\d)"),
  rule("error-in-name", -2.5, "(?:[-_./]err(?:or)?s?[-_./]|\\berror(?:s)?\\.(?:js|ts|rb|py|go|java|class|h|c|cc|o|log|html)\\b|-Werror|error_reporting|errorprone|on_?error|\\bstderr\\b|errexit|ignore[-_]?errors?)"),
  rule("passed", -2.5, "\\bPASS(?:ED)?\\b|\\bok\\b\\s+\\S|(?:\\.\\.\\.|:)\\s*ok\\s*$|✓|✔|\\bsuccess(?:ful(?:ly)?)?\\b|test result: ok", undefined, { caseSensitive: false }),
  // A test runner's verdict line for a test that passed or was skipped, whatever its name or
  // parameters quote (`test_parse[Connection refused] PASSED [ 40%]`).
  rule("test-passed-line", -10, "(?:::|\\.\\.\\.)\\S*.*\\s(?:PASSED|SKIPPED|XFAIL|XPASS|ok)(?:\\s+\\[\\s*\\d+%\\]|\\s*\\(\\d[\\d.]*m?s\\))?\\s*$", undefined, { headline: 0, caseSensitive: true }),
  rule("progress", -2, "^\\s*(?:downloading|downloaded|installing|collecting|fetching|resolving|receiving objects|remote: |unpacking|compiling|checking|building|running|using|pulling|extracting)\\b"),
  rule("warning", -1, "\\bwarn(?:ing)?s?\\b", undefined, { headline: 0 }),
  rule("command-echo", -1.5, "^(?:\\$ |\\+ |> |##\\[command\\]|Run )"),
  // A runner only repeating a child's exit status (`runner.go:12: exit status 1`, yarn's `error Command
  // failed with exit code 1.`): the child's own output before it says why.
  rule("exit-status-only", -10, "^(?:[\\w./-]+:\\d+: )?exit status [1-9]\\d*$|^error Command failed with exit code [1-9]\\d*\\.?$", undefined, { headline: 0 }),
  // A line that sends the reader elsewhere is not where the cause is written.
  rule("see-above", -3, "\\bsee (?:above|the (?:output|log) above)\\b"),
  // A logger's own verdict: a line logged at INFO or DEBUG level reports no failure.
  rule("info-level-line", -10, "^\\s*(?:\\[(?:INFO|DEBUG|TRACE)\\]|(?:INFO|DEBUG|TRACE):)", undefined, { headline: 0, caseSensitive: true }),
  rule("retrying", -1, "\\bretrying\\b|\\bwill retry\\b"),
  rule("file-line-error", 6, "\\.(?:c|cc|cpp|cxx|h|hpp|cu|go|rs|java|kt|kts|groovy|scala|swift|m|mm|cs|fs|vb|ts|tsx|js|jsx|dart|hs|ex|exs|erl|py|rb|php|d|zig|nim|ml|elm|purs|vue|svelte|sass|scss|less|sol|jl|cr)(?:[:(]\\d+)+\\)?:? ?(?:fatal )?error\\b", "compile", { headline: 5 }),
  // A diagnostic that points at a source position (`src/x.erl:91: field undefined`), even without the word error.
  rule("file-line-diagnostic", 2, "^\\s*[\\w./-]+\\.[a-z]{1,5}:\\d+(?::\\d+)?:? [A-Za-z]"),
  rule("compile-failed", 6, "compilation (?:failure|failed|error)|could not compile|\\bcompile(?:r)? error|failed to compile|\\[ERROR\\] COMPILATION ERROR|build (?:failed|failure) with errors", "compile", { headline: 3 }),
  rule("compile-diag", 5, "cannot find symbol|undefined reference to|unresolved (?:reference|import|external)|cannot find (?:name|type|value|function)|incompatible types|type mismatch|no matching function|is not a member of|was not declared in this scope|expected .* (?:found|before)|has no attribute|not in scope", "compile", { headline: 4 }),
  rule("syntax-error", 6, "\\bsyntax ?error\\b|unexpected token|parse error|invalid syntax|unterminated string|invalid decimal literal", "compile", { headline: 4 }),
  rule("assertion", 6, "assert(?:ion)?(?:error| ?failed|_eq| failure)|expected:? .* (?:but (?:was|got)|to (?:equal|be|have|contain))|\\bexpected\\b.*\\bactual\\b|comparison failure|^\\s*(?:expected|actual|got|but was):", "test", { headline: 4 }),
  rule("test-fail-summary", 5, "\\bfailed (?:on|at) line \\d+|\\b[1-9]\\d* (?:tests? )?(?:failing|failed)\\b|tests? failed|test(?:s|suite)? fail(?:ed|ures?)|failures?:\\s*$|^\\s*\\d+\\) \\S|^not ok \\d+|[✗✕✖×] |test result: FAILED|failed!$", "test", { headline: 4 }),
  // A runner's upper-case verdict after a test name (`test_x ... FAILED`, `spec: FAIL`); case-sensitive,
  // so that `Caused by: Failed to download` or a passed test named `cache: fail open` is not one.
  rule("test-fail-verdict", 5, "(?:\\.\\.\\.|:)\\s*FAIL(?:ED)?\\b", "test", { headline: 4, caseSensitive: true }),
  rule("linter", 6, "\\b(?:eslint|tslint|prettier|rubocop|flake8|pylint|ruff|mypy|checkstyle|shellcheck|clippy|gofmt|golangci-lint|black|isort|stylelint|markdownlint|hlint|lintrunner|standard(?=:))\\b.*(?:error|fail|problem|would|offense|violation|issue|not formatted|reformat)|>>> lint for|\\d+ problems? \\(\\d+ errors?|would reformat|code style issues|not properly formatted|formatting (?:check )?failed|offenses? detected|^\\s*\\d+:\\d+\\s+error\\s", "lint", { headline: 2 }),
  // ShellCheck marks the word under its finding: `^--^ SC2086 (info): Double quote …`.
  // (Each level spelt whole: a bare `info` would let every `[INFO]` line through the prefilter.)
  rule("shellcheck-issue", 6, /^\s*\^-*\^? SC\d{4} (?:\(error\)|\(warning\)|\(info\)|\(style\)):/.source, "lint", { headline: 4, caseSensitive: true }),
  rule("dependency-missing", 6, "could not resolve (?:dependencies|all (?:dependencies|files))|could not find artifact|no matching version|ERESOLVE|ETARGET|unable to resolve dependency|version solving failed|could not find gem|bundler could not find|failed to select a version|cannot find package|failed to (?:load source for|get `)|dependency resolution|unsatisfiable|conflicting (?:dependencies|requirements)|no such package|package .* (?:not found|does not exist)|is unavailable|failed building wheel|could not find a version that satisfies|no distribution found|manifest unknown|not found: manifest", "dependency", { headline: 2 }),
  rule("security-audit", 8, "\\d+ vulnerabilit(?:y|ies) found|found \\d+ vulnerabilit", "dependency", { headline: 2, flaky: 0.02, cause: "a dependency has a known vulnerability (security audit)", next: "upgrade or replace the vulnerable dependency, or record an audited exception" }),
  rule("module-missing", 6, "ModuleNotFoundError|No module named|Cannot find module|ImportError|cannot open shared object file|could not load file or assembly|LoadError|NoClassDefFoundError|ClassNotFoundException|unable to find library", "dependency", { headline: 4 }),
  rule("env-missing", 7, "(?:environment variable|env(?:ironment)? var(?:iable)?)s?\\b.*\\b(?:not set|is missing|missing|required|undefined|empty)|\\b(?:missing|undefined|unset)(?: required)? (?:environment|env) var(?:iable)?s?\\b|unbound variable|missing (?:required )?(?:secret|api ?token|api ?key|token|credentials?)\\b|secret .*not found", "missing_env", { headline: 2 }),
  // Case-sensitive: an UPPER_CASE variable name, not any capitalised word (`Spacing is checked`).
  rule("env-var-unset", 7, "\\b[A-Z][A-Z0-9_]{2,}\\b(?: environment variable)? (?:is )?(?:not set|unset|must be set|is required|is undefined|is empty)|KeyError: '[A-Z][A-Z0-9_]+'", "missing_env", { headline: 2, caseSensitive: true }),
  rule("permission", 6, "permission denied|EACCES|EPERM\\b|\\b403 forbidden|\\b401 unauthorized|unauthori[sz]ed|not authori[sz]ed|authentication (?:required|failed)|authori[sz]ation (?:error|failed)|access denied|AccessDenied|denied: requested access|could not read username|invalid (?:credentials|token|username or password)|bad credentials|host key verification failed|publickey|requires authentication", "permission", { headline: 2 }),
  rule("network", 6, "could not resolve host|getaddrinfo|name or service not known|temporary failure in name resolution|no such host|ECONNRESET|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|connection (?:refused|reset|closed by|aborted)|network (?:is )?unreachable|no route to host|ssl (?:error|certificate problem)|certificate verify failed|tls handshake|x509:|early EOF|unexpected EOF|spurious network error|network failure|failed to connect to|curl: \\(\\d+\\)|\\b50[234]\\b.*(?:service unavailable|bad gateway|gateway time)|socket hang ?up|remote end closed|i/o timeout|dial tcp|couldn't execute (?:get|post|put)|failed to fetch|RPC failed|the remote end hung up", "network", { headline: 2 }),
  rule("timeout", 6, "\\btimed ?out\\b|etimedout|\\btime ?out(?:error|exception)?\\b(?=\\s*(?:$|[!.,;)]|after\\b|while\\b|waiting\\b))|timeout (?:of \\d+ ?ms )?(?:exceeded|expired|reached)|execution took longer than|exceeded the (?:maximum )?(?:execution )?time|deadline exceeded|no output has been received in the last|command took >|returning 124|took too long|has been cancelled because it exceeded|maximum execution time", "timeout", { headline: 3 }),
  rule("oom", 7, "out of memory|OutOfMemoryError|OOMKilled|exit code 137|signal: killed|^killed\\s*$|heap out of memory|cannot allocate memory|std::bad_alloc|MemoryError|killed by signal 9|signal: 9, SIGKILL|memory limit exceeded|java heap space", "oom", { headline: 3 }),
  rule("disk-full", 8, "no space left on device|ENOSPC|disk (?:is )?full|not enough (?:free )?(?:disk )?space|disk quota exceeded|os error 28", "disk_full", { headline: 3 }),
  rule("health", 6, "health ?check (?:failed|failing|timed out)|(?:readiness|liveness|startup) probe failed|not ready after|failed to become (?:ready|healthy)|\\bunhealthy\\b|did not become (?:healthy|ready)|wait-for-it: timeout|service .* (?:is )?not (?:ready|healthy)|exceeded its progress deadline|CrashLoopBackOff", "health_check", { headline: 2 }),
  // A line that reports how many things failed, or that they failed, without naming one.
  // A bare `failures:` heading (cargo, RSpec) opens the report and names nothing in it.
  rule("failures-heading", 0, /^\s*failures?:\s*$/.source, undefined, { headline: 0 }),
  rule("failure-summary", 0, "\\b\\d+(?:/\\d+)? (?:tests? |checks? |jobs? )?(?:failed|failing|failures?|errors?)\\b|\\bfailed!$|\\bfailures: [1-9]|\\bfollowing (?:\\w+ )?(?:tests?|jobs?|checks?|targets?|files?) (?:\\w+ )?failed|\\b(?:one|some) or more\\b|there (?:are|were|was) (?:\\d+ )?(?:test )?failures?|see above|ninja: build stopped", undefined, { headline: 0 }),
  // Source quoted with a line-number gutter (`  12 | let x = …`, a diff's `25  26 | …`) and settings
  // printed as `key: value` (a step's `with:`/`env:`, `Prompt timeout: 0.0 minutes`): they report nothing.
  rule("quoted-source", 0, "^\\s*(?:>>>\\s*)?\\d+(?:\\s+\\d+)?\\s+\\||^\\s+[A-Za-z][\\w.-]*: \\S+$|^\\s*[A-Za-z][\\w .-]*: [\\d.]+(?: [a-z]+)?\\s*$", undefined, { headline: 0 }),
  // A line logged at an informational level reports no failure, whatever words it quotes.
  rule("info-level", 0, "(?:^|\\] )\\[?(?:INFO|DEBUG|TRACE)\\b", undefined, { headline: 0, caseSensitive: true }),
  // A command line (echoed as `$ …`, `> …`, `+ …`, or with two or more `--options`) quotes names; it reports nothing.
  // (A wrapper's verdict that a command was killed, `` `rustc --a --b` (signal: 9, SIGKILL) ``, quotes one and is no command line.)
  rule("command-line", 0, "^\\s*[$>+] \\S|^(?!.*\\(signal: \\d+, SIG[A-Z]+)(?:.*\\s)?--[a-z][\\w-]+\\b.*\\s--[a-z][\\w-]+\\b", undefined, { headline: 0 }),
  // A line naming the test that failed (a pytest id or section header, Go).
  rule("test-id", 0, "\\.\\w+::\\w|^_{3,} \\S.* _{3,}$|^\\s*--- FAIL: \\S", undefined, { headline: 5 }),
  // A tool's own error line (`error: …`, `fatal: …`), e.g. git, uv, cargo.
  rule("tool-error-line", 0, "^(?:##\\[error\\])?(?:error|fatal)(?:\\[[\\w-]+\\])?: \\S", undefined, { headline: 2 }),
  // ---- markers ----
  // A count of what failed that heads the report of each (`There was 1 failure:`, `2 failing`).
  marker("failure-count", "count-heading", /^\s*(?:there (?:was|were) )?\d+ (?:tests? )?(?:failures?|errors?|failed|failing)\b[^.]*$/.source),
  // A line announcing that what failed is tried again (`Failed to restore X, retrying...`).
  marker("retry-announcement", "retry", /\bretrying\b|\bwill retry\b|\bretry(?:ing)? (?:in|after) \d/.source),
  // A TAP diagnostic's closing `  ...`, and a test harness's `TEST COMPLETE, 12 ok` total.
  marker("harness-outcome", "ends-report", /^\s+\.\.\.\s*$|\bTEST COMPLETE, \d+ ok\b/.source),
  // A line a logger wrote at WARNING level (`WARNING: …`, `[WARN] …`, `12:00:01 WARN Pool - …`).
  marker("logged-warning", "warning", /^(?:[\d:.,\- T]+\s+)?\[?WARN(?:ING)?\b\]?:?\s/.source, { caseSensitive: true }),
  // A compiler's or linter's warning at a source position (`src/a.c:9:5: warning: unused x`,
  // gometalinter's `a.go:9::warning: …` with no column, ESLint's `  12:5  warning  …`): the
  // failure only when its tool says warnings are fatal, or its command failed on nothing else.
  marker("warning-diagnostic", "warning-diagnostic", /^\s*[\w./\\-]+\.\w+[:(]\d+(?:[,:]\d+)*\)?:{0,2}\s*(?:warning|Warning|WARNING)\b|^\s+\d+:\d+\s+warning\s{2}/.source, { caseSensitive: true }),
]);
