/**
 * The built-in triage rules, as data. A TypeScript module rather than YAML so that it ships in
 * dist/ without a copy step; user rules files use the same fields in YAML (docs/triage.md).
 *
 * Scores: ~8 a line that names the failure outright, ~5 a strong signal, ~2 a weak one, negative
 * for lines that look like errors and are not (summaries with zero failures, file names).
 * Headlines (RuleSpec.headline) rank lines for the top line only: 5 the failing unit, 4 an error
 * message, 3 a terminal condition, 2 a named cause, 0 a summary or wrapper; scores do not move.
 * The rules are general across languages and CI systems on purpose: they are measured on logs
 * of repositories they were not written from.
 */
import type { Category, RuleSpec } from "../types.js";

/** Default cause and next step per category, used when the matching rule names none. */
export const CATEGORY_ADVICE: Record<Category, { cause: string; next: string; flaky: number }> = {
  compile: { cause: "the code does not compile or type-check", next: "fix the compiler error at the file and line shown; reproduce with the same build command locally", flaky: 0.05 },
  test: { cause: "a test failed", next: "run the failing test locally; if it passes on retry without a change, mark it flaky and quarantine it", flaky: 0.2 },
  lint: { cause: "lint or formatting checks failed", next: "run the linter/formatter locally and commit the result", flaky: 0.02 },
  dependency: { cause: "a dependency could not be resolved, downloaded or built", next: "check the version constraints and lockfile; make sure the package or image exists in the registry", flaky: 0.3 },
  missing_env: { cause: "a required environment variable or secret is missing", next: "define the variable or secret for this pipeline (CI settings / slipway.yaml build.env) and re-run", flaky: 0.05 },
  permission: { cause: "permission or authentication was refused", next: "check the credentials, token scopes and roles the pipeline uses for this registry, cloud or git host", flaky: 0.25 },
  network: { cause: "a network, DNS or TLS error", next: "retry; if it persists, check the remote service status, proxy and certificates", flaky: 0.8 },
  timeout: { cause: "a step or test ran out of time", next: "look for a hang or slow test; raise the timeout only if the work legitimately grew", flaky: 0.6 },
  oom: { cause: "the process ran out of memory or was killed", next: "reduce parallelism or memory use, or give the job a larger runner", flaky: 0.5 },
  disk_full: { cause: "the disk of the runner is full", next: "clean caches/artifacts on the runner or use a larger disk; retry on another runner", flaky: 0.75 },
  health_check: { cause: "the service did not pass its health or readiness check", next: "read the service's own log around start-up; check the port, readiness path and timeout", flaky: 0.3 },
  infrastructure: { cause: "the CI runner or its infrastructure failed", next: "retry the job; if it repeats, report it to the CI/runner owners", flaky: 0.85 },
  unknown: { cause: "no known failure pattern matched", next: "read the evidence lines; confirm the right lines with `slipway triage confirm` so later runs learn them", flaky: 0.3 },
};

const r = (id: string, score: number, match: string, category?: Category, extra: Partial<RuleSpec> = {}): RuleSpec => ({
  id,
  score,
  match,
  ...(category ? { category } : {}),
  ...extra,
});

/** Built-in rules, in no particular order (every rule is tested on every candidate line). */
export const DEFAULT_RULES: readonly RuleSpec[] = [
  // ---- generic error signals (no category) ----
  r("gha-error-annotation", 5, "^##\\[error\\]"),
  r("error-word", 3, "\\berror\\b"),
  r("error-colon", 2, "(?:^|\\s)(?:error|err!?|fatal|e)\\s*:"),
  r("fatal-word", 3, "\\bfatal\\b"),
  r("refusing", 3, "\\brefus(?:e|es|ed|ing) to\\b"),
  r("failed-word", 2, "\\bfail(?:ed|ure|s)?\\b"),
  r("exception", 3, "exception\\b.*?(?:\\bat\\b|:)|^\\s*(?:caused by|exception in thread)"),
  r("traceback", 3, "^traceback \\(most recent call last\\)"),
  r("python-error", 5, "^[A-Za-z_.]*(?:Error|Exception): \\S", undefined, { headline: 4, caseSensitive: true }),
  // Elixir/Erlang report an exception as `** (ArgumentError) message`.
  r("beam-exception", 5, "^\\s*\\*\\* \\([A-Za-z][\\w.]*\\) \\S", undefined, { headline: 4, caseSensitive: true }),
  r("aborted", 3, "\\baborted\\b|\\baborting\\b"),
  // A crash the line supposes or denies (a test title's `if no crash occurs`, `does not crash`) is
  // none, nor is a tool's crash reporting (`Sending crash reports`).
  r("crash", 3, "\\b(?:panic|panicked|(?<!\\b(?:no|not|a|if|when|without|never|to) )crash(?:ed)?(?! report)|abort trap)\\b"),
  r("nonzero-exit", 1, "(?:exit(?:ed)?(?: with)?(?: code| status)?|returned(?: non-zero exit status)?) [1-9]\\d*\\b"),
  // ---- noise: lines that look like errors and are not ----
  r("zero-failures", -5, "\\b0 (?:errors?|failures?|failed|failing|aborted)\\b|\\b(?:errors?|failures?|failed|aborted)(?:[:=] ?| )0\\b(?![.,]\\d)"),
  r("error-in-name", -2.5, "(?:[-_./]err(?:or)?s?[-_./]|\\berror(?:s)?\\.(?:js|ts|rb|py|go|java|class|h|c|cc|o|log|html)\\b|-Werror|error_reporting|errorprone|on_?error|\\bstderr\\b|errexit|ignore[-_]?errors?)"),
  r("passed", -2.5, "\\bPASS(?:ED)?\\b|\\bok\\b\\s+\\S|(?:\\.\\.\\.|:)\\s*ok\\s*$|✓|✔|\\bsuccess(?:ful(?:ly)?)?\\b|test result: ok", undefined, { caseSensitive: false }),
  // A test runner's verdict line for a test that passed or was skipped, whatever its name or
  // parameters quote (`test_parse[Connection refused] PASSED [ 40%]`).
  r("test-passed-line", -10, "(?:::|\\.\\.\\.)\\S*.*\\s(?:PASSED|SKIPPED|XFAIL|XPASS|ok)(?:\\s+\\[\\s*\\d+%\\]|\\s*\\(\\d[\\d.]*m?s\\))?\\s*$", undefined, { headline: 0, caseSensitive: true }),
  r("progress", -2, "^\\s*(?:downloading|downloaded|installing|collecting|fetching|resolving|receiving objects|remote: |unpacking|compiling|checking|building|running|using|pulling|extracting)\\b"),
  r("warning", -1, "\\bwarn(?:ing)?s?\\b", undefined, { headline: 0 }),
  r("command-echo", -1.5, "^(?:\\$ |\\+ |> |##\\[command\\]|Run )"),
  r("travis-boilerplate", -8, "^Done\\. Your build exited with|^The command \".*\" (?:exited with|failed \\d+ times)|^(?:##\\[error\\])?Process completed with exit code|^ERROR: Job failed: (?:command terminated with )?exit (?:code|status) 1$", undefined, { headline: 0 }),
  // A wrapper reporting that the step or process it ran exited non-zero: the outcome, not the cause.
  r("exit-trailer", -10, "(?:step script|the process '[^']*') (?:exited|failed) with (?:exit )?code \\d+|^Got exit code \\d+$|^(?:##\\[error\\])?Executing the custom container implementation failed", undefined, { headline: 0 }),
  // A runner only repeating a child's exit status (`runner.go:12: exit status 1`, yarn's `error Command
  // failed with exit code 1.`): the child's own output before it says why.
  r("exit-status-only", -10, "^(?:[\\w./-]+:\\d+: )?exit status [1-9]\\d*$|^error Command failed with exit code [1-9]\\d*\\.?$", undefined, { headline: 0 }),
  // A failed test goal pointing at the test output (Maven's 'There are test failures', 'Please
  // refer to … for the individual test results', sbt's 'Tests unsuccessful'): the failing tests
  // were reported above it.
  r("test-report-pointer", -12, "There are test failures\\.?\\s*$|Please refer to \\S+ for the individual test results|TestsFailedException: Tests unsuccessful\\s*$", undefined, { headline: 0, caseSensitive: true }),
  // npm's epilogue after a failed script: exit codes, the environment, where its log is, whom to
  // tell. The script's own output above says what failed.
  r("npm-epilogue", -6, "^npm ERR! (?:code ELIFECYCLE|errno -?\\d+|Exit status \\d+|\\s*$|argv |node v\\d|npm {1,2}v\\d|Linux \\d|Darwin \\d|cwd |Please include the following file|A complete log of this run|\\s+\\S+(?:debug\\.log|-debug\\.log)$|This is (?:probably|most likely) (?:not )?a problem|not with npm itself|There is likely additional logging|Tell the author|You can get (?:information|their info)|Or if that isn't available|\\s+npm (?:owner|bugs) |Failed at the \\S+ \\S+ script|\\S*@\\S* [\\w:-]+: `[^`]*`$|Test failed\\.\\s+See above)", undefined, { headline: 0 }),
  // A line that sends the reader elsewhere is not where the cause is written.
  r("see-above", -3, "\\bsee (?:above|the (?:output|log) above)\\b"),
  // A logger's own verdict: a line logged at INFO or DEBUG level reports no failure.
  r("info-level-line", -10, "^\\s*(?:\\[(?:INFO|DEBUG|TRACE)\\]|(?:INFO|DEBUG|TRACE):)", undefined, { headline: 0, caseSensitive: true }),
  r("retrying", -1, "\\bretrying\\b|\\bwill retry\\b"),
  // ---- compile / type errors ----
  r("file-line-error", 6, "\\.(?:c|cc|cpp|cxx|h|hpp|go|rs|java|kt|scala|swift|m|mm|cs|fs|ts|tsx|js|jsx|hs|ex|exs|erl|py|rb|php|d|zig|nim|ml|elm|purs|vue|sass|scss|less)(?:[:(]\\d+)+\\)?:? ?(?:fatal )?error\\b", "compile", { headline: 5 }),
  // A diagnostic that points at a source position (`src/x.erl:91: field undefined`), even without the word error.
  r("file-line-diagnostic", 2, "^\\s*[\\w./-]+\\.[a-z]{1,5}:\\d+(?::\\d+)?:? [A-Za-z]"),
  r("rust-error-code", 7, "^error\\[E\\d{4}\\]", "compile", { headline: 5 }),
  r("tsc-error", 7, "error TS\\d{3,5}\\b", "compile", { headline: 5 }),
  r("msvc-error", 7, ": (?:fatal )?error C\\d{4}\\b", "compile", { headline: 5 }),
  r("compile-failed", 6, "compilation (?:failure|failed|error)|could not compile|\\bcompile(?:r)? error|failed to compile|\\[ERROR\\] COMPILATION ERROR|build (?:failed|failure) with errors", "compile", { headline: 3 }),
  r("compile-diag", 5, "cannot find symbol|undefined reference to|unresolved (?:reference|import|external)|cannot find (?:name|type|value|function)|incompatible types|type mismatch|no matching function|is not a member of|was not declared in this scope|expected .* (?:found|before)|has no attribute|not in scope", "compile", { headline: 4 }),
  r("syntax-error", 6, "\\bsyntax ?error\\b|unexpected token|parse error|invalid syntax|unterminated string|invalid decimal literal", "compile", { headline: 4 }),
  r("ninja-make-failed", 5, "^FAILED: |ninja: build stopped|make(?:\\[\\d+\\])?: \\*\\*\\* .*error \\d+|error: linker command failed|ld: .*error", "compile", { headline: 3 }),
  // ---- test failures ----
  r("go-test-fail", 7, "^\\s*--- FAIL: ", "test", { headline: 5 }),
  r("go-package-fail", 4, "^FAIL\\s+\\S+", "test"),
  r("surefire-fail", 7, "\\*\\*\\* FAILED \\*\\*\\*|<<< (?:FAILURE|ERROR)!|Tests run: .*(?:Failures: [1-9]|Errors: [1-9])|There (?:was|were) \\d+ (?:failures?|errors?)", "test", { headline: 4 }),
  r("pytest-fail", 6, "^FAILED(?: \\[[^\\]]*\\])? \\S+::|^ERROR \\S+::|=+ \\d+ failed|^_{3,} \\S.* _{3,}$|^E\\s{3}\\S", "test", { headline: 4 }),
  r("assertion", 6, "assert(?:ion)?(?:error| ?failed|_eq| failure)|expected:? .* (?:but (?:was|got)|to (?:equal|be|have|contain))|\\bexpected\\b.*\\bactual\\b|comparison failure|^\\s*(?:expected|actual|got|but was):", "test", { headline: 4 }),
  r("test-fail-summary", 5, "\\bfailed (?:on|at) line \\d+|\\b[1-9]\\d* (?:tests? )?(?:failing|failed)\\b|tests? failed|test(?:s|suite)? fail(?:ed|ures?)|failures?:\\s*$|^\\s*\\d+\\) \\S|^not ok \\d+|[✗✕✖×] |test result: FAILED|failed!$", "test", { headline: 4 }),
  // A runner's upper-case verdict after a test name (`test_x ... FAILED`, `spec: FAIL`); case-sensitive,
  // so that `Caused by: Failed to download` or a passed test named `cache: fail open` is not one.
  r("test-fail-verdict", 5, "(?:\\.\\.\\.|:)\\s*FAIL(?:ED)?\\b", "test", { headline: 4, caseSensitive: true }),
  r("rust-panic", 6, "panicked at|thread '.*' panicked", "test", { headline: 4 }),
  // ---- lint / format ----
  r("linter", 6, "\\b(?:eslint|tslint|prettier|rubocop|flake8|pylint|ruff|mypy|checkstyle|shellcheck|clippy|gofmt|golangci-lint|black|isort|stylelint|markdownlint|hlint|lintrunner|standard(?=:))\\b.*(?:error|fail|problem|would|offense|violation|issue|not formatted|reformat)|>>> lint for|\\d+ problems? \\(\\d+ errors?|would reformat|code style issues|not properly formatted|formatting (?:check )?failed|offenses? detected|^\\s*\\d+:\\d+\\s+error\\s", "lint", { headline: 2 }),
  // ---- dependency resolution ----
  r("npm-err", 3, "^npm ERR!|^npm error\\b", "dependency"),
  r("dependency-missing", 6, "could not resolve (?:dependencies|all (?:dependencies|files))|could not find artifact|no matching version|ERESOLVE|ETARGET|unable to resolve dependency|version solving failed|could not find gem|bundler could not find|failed to select a version|cannot find package|failed to (?:load source for|get `)|dependency resolution|unsatisfiable|conflicting (?:dependencies|requirements)|no such package|package .* (?:not found|does not exist)|is unavailable|failed building wheel|could not find a version that satisfies|no distribution found|manifest unknown|not found: manifest", "dependency", { headline: 2 }),
  r("security-audit", 8, "\\d+ vulnerabilit(?:y|ies) found|found \\d+ vulnerabilit", "dependency", { headline: 2, flaky: 0.02, cause: "a dependency has a known vulnerability (security audit)", next: "upgrade or replace the vulnerable dependency, or record an audited exception" }),
  r("module-missing", 6, "ModuleNotFoundError|No module named|Cannot find module|ImportError|cannot open shared object file|could not load file or assembly|LoadError|NoClassDefFoundError|ClassNotFoundException|unable to find library", "dependency", { headline: 4 }),
  // ---- missing environment variables / secrets ----
  r("env-missing", 7, "(?:environment variable|env(?:ironment)? var(?:iable)?)s?\\b.*\\b(?:not set|is missing|missing|required|undefined|empty)|unbound variable|missing (?:required )?(?:secret|api ?token|api ?key|token|credentials?)\\b|secret .*not found", "missing_env", { headline: 2 }),
  // Case-sensitive: an UPPER_CASE variable name, not any capitalised word (`Spacing is checked`).
  r("env-var-unset", 7, "\\b[A-Z][A-Z0-9_]{2,}\\b(?: environment variable)? (?:is )?(?:not set|unset|must be set|is required|is undefined|is empty)|KeyError: '[A-Z][A-Z0-9_]+'", "missing_env", { headline: 2, caseSensitive: true }),
  // ---- permission / authentication ----
  r("permission", 6, "permission denied|EACCES|EPERM\\b|\\b403 forbidden|\\b401 unauthorized|unauthori[sz]ed|not authori[sz]ed|authentication (?:required|failed)|authori[sz]ation (?:error|failed)|access denied|AccessDenied|denied: requested access|could not read username|invalid (?:credentials|token|username or password)|bad credentials|host key verification failed|publickey|requires authentication", "permission", { headline: 2 }),
  // ---- network / DNS / TLS ----
  r("network", 6, "could not resolve host|getaddrinfo|name or service not known|temporary failure in name resolution|no such host|ECONNRESET|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|connection (?:refused|reset|closed by|aborted)|network (?:is )?unreachable|no route to host|ssl (?:error|certificate problem)|certificate verify failed|tls handshake|x509:|early EOF|unexpected EOF|spurious network error|network failure|failed to connect to|curl: \\(\\d+\\)|\\b50[234]\\b.*(?:service unavailable|bad gateway|gateway time)|socket hang ?up|remote end closed|i/o timeout|dial tcp|couldn't execute (?:get|post|put)|failed to fetch|RPC failed|the remote end hung up", "network", { headline: 2 }),
  // ---- timeout ----
  r("timeout", 6, "\\btimed ?out\\b|etimedout|\\btime ?out(?:error|exception)?\\b(?=\\s*(?:$|[!.,;)]|after\\b|while\\b|waiting\\b))|timeout (?:of \\d+ ?ms )?(?:exceeded|expired|reached)|execution took longer than|exceeded the (?:maximum )?(?:execution )?time|deadline exceeded|no output has been received in the last|command took >|returning 124|took too long|has been cancelled because it exceeded|maximum execution time", "timeout", { headline: 3 }),
  // ---- out of memory / killed ----
  r("oom", 7, "out of memory|OutOfMemoryError|OOMKilled|exit code 137|signal: killed|^killed\\s*$|heap out of memory|cannot allocate memory|std::bad_alloc|MemoryError|killed by signal 9|memory limit exceeded|java heap space", "oom", { headline: 3 }),
  // ---- disk full ----
  r("disk-full", 8, "no space left on device|ENOSPC|disk (?:is )?full|not enough (?:free )?(?:disk )?space|disk quota exceeded|os error 28", "disk_full", { headline: 3 }),
  // ---- health / readiness ----
  r("health", 6, "health ?check (?:failed|failing|timed out)|(?:readiness|liveness|startup) probe failed|not ready after|failed to become (?:ready|healthy)|\\bunhealthy\\b|did not become (?:healthy|ready)|wait-for-it: timeout|service .* (?:is )?not (?:ready|healthy)", "health_check", { headline: 2 }),
  // ---- infrastructure / runner ----
  r("runner-system-failure", 8, "job failed \\(system failure\\)|cannot connect to the docker daemon|runner has received a shutdown signal|the operation was canceled|lost communication with the server|runner .* (?:lost|offline|disconnected)|received SIG(?:INT|TERM|HUP)\\b|the job was not started|unschedulable|insufficient (?:cpu|memory)|pod failed|failed to come online|waiting for pod", "infrastructure", { headline: 3 }),
  r("image-pull", 6, "failed to pull image|ImagePullBackOff|ErrImagePull|error response from daemon|error (?:building|pushing) image|toomanyrequests|rate limit exceeded", "infrastructure", { headline: 2 }),
  r("artifact-transfer", 6, "(?:unable to download|uploading|downloading) artifacts?.*(?:error|not found|failed)|artifact not found", "infrastructure", { headline: 2 }),
  r("native-crash", 6, "segmentation fault|SIGSEGV|\\bsegfault\\b|core dumped|bus error|illegal instruction|SIGABRT|stack overflow", "infrastructure", { headline: 3 }),
  r("git-infra", 5, "couldn't find remote ref|failed to push some refs|fatal: bad object|not a git repository|unable to access '|could not read from remote repository", "infrastructure", { headline: 2 }),
  // ---- top-line ranks only (score 0: no line scores differently) ----
  // A line that reports how many things failed, or that they failed, without naming one.
  r("failure-summary", 0, "\\b\\d+(?:/\\d+)? (?:tests? |checks? |jobs? )?(?:failed|failing|failures?|errors?)\\b|\\bfailed!$|\\bfailures: [1-9]|\\bfollowing (?:\\w+ )?(?:tests?|jobs?|checks?|targets?|files?) (?:\\w+ )?failed|\\b(?:one|some) or more\\b|there (?:are|were|was) (?:\\d+ )?(?:test )?failures?|see above|ninja: build stopped", undefined, { headline: 0 }),
  // Source quoted with a line-number gutter (`  12 | let x = …`, a diff's `25  26 | …`) and settings
  // printed as `key: value` (a step's `with:`/`env:`, `Prompt timeout: 0.0 minutes`): they report nothing.
  r("quoted-source", 0, "^\\s*(?:>>>\\s*)?\\d+(?:\\s+\\d+)?\\s+\\||^\\s+[A-Za-z][\\w.-]*: \\S+$|^\\s*[A-Za-z][\\w .-]*: [\\d.]+(?: [a-z]+)?\\s*$", undefined, { headline: 0 }),
  // A line logged at an informational level reports no failure, whatever words it quotes.
  r("info-level", 0, "(?:^|\\] )\\[?(?:INFO|DEBUG|TRACE)\\b", undefined, { headline: 0, caseSensitive: true }),
  // A command line (echoed as `$ …`, `> …`, `+ …`, or with two or more `--options`) quotes names; it reports nothing.
  r("command-line", 0, "^\\s*[$>+] \\S|(?:^|\\s)--[a-z][\\w-]+\\b.*\\s--[a-z][\\w-]+\\b", undefined, { headline: 0 }),
  // A line naming the test that failed (a pytest id or section header, Go).
  r("test-id", 0, "\\.\\w+::\\w|^_{3,} \\S.* _{3,}$|^\\s*--- FAIL: \\S", undefined, { headline: 5 }),
  // A tool's own error line (`error: …`, `fatal: …`), e.g. git, uv, cargo.
  r("tool-error-line", 0, "^(?:##\\[error\\])?(?:error|fatal)(?:\\[[\\w-]+\\])?: \\S", undefined, { headline: 2 }),
];
