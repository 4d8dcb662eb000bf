import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { triageLog } from "../../triage.js";
import { judgeLine, ruleSet } from "../rules.js";
import { BUILT_IN_PACKS } from "./index.js";

// Made-up lines in each tool's documented output format.
const FAILURE_LINES: Record<string, string> = {
  "dotnet-error-code": "src/Cart/Basket.cs(41,17): error CS0103: The name 'total' does not exist in the current context",
  "dotnet-test-failed": "  Failed Shop.Tests.BasketTests.AddsTax [18 ms]",
  "xctest-case-failed": "Test Case '-[ShopTests testCheckout]' failed (0.031 seconds).",
  "xcodebuild-error": "xcodebuild: error: Unable to find a destination matching the provided destination specifier",
  "cocoapods-error": "[!] Unable to find a specification for `Frobnicate (~> 2.1)`",
  "tex-error": "! Undefined control sequence.",
  "perl-failed-test": "#   Failed test 'rounds half to even'",
  "prove-dubious": "t/round.t .. Dubious, test returned 1 (wstat 256, 0x100)",
  "ert-failed": "   FAILED  2/9  shop-rounds-half-to-even",
  "clojure-test-failed": "FAIL in (rounding-test) (core_test.clj:14)",
  "rspec-failed-example": "rspec ./spec/basket_spec.rb:27 # Basket adds tax",
  "testthat-failure": "── Failure (test-round.R:8:3): rounds half to even ──",
  "r-check-error": "* checking examples ... ERROR",
  "ctest-failed": "  4 - basket_tests (Failed)",
  "busted-failure": "Failure → spec/basket_spec.lua @ 12",
  "awesome-bot-issues": "Issues :-(",
  "jest-failed-test": "  ● Basket › applies the discount once",
  "cmake-error": "CMake Error at src/CMakeLists.txt:40 (add_library):",
  "cmake-missing-package": "CMake Error at CMakeLists.txt:9 (find_package):",
  "terraform-error": "│ Error: Invalid reference",
  "ansible-task-failed": "fatal: [db2]: UNREACHABLE! => {\"changed\": false, \"msg\": \"timed out\"}",
  "markdown-link-check-dead": "  [✖] https://shop.example/old-page → Status: 404",
  "html-proofer-failures": "HTML-Proofer found 2 failures!",
  "jvm-uncaught": 'Exception in thread "main" java.lang.IllegalStateException: ledger closed',
  "go-panic": "panic: assignment to entry in nil map",
  "rust-main-panic": "thread 'main' panicked at src/main.rs:12:5:",
  "dotnet-unhandled": "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
  "unittest-failed-test": "FAIL: test_rounds_half_even (tests.test_money.MoneyTest.test_rounds_half_even)",
  "docker-copy-missing": 'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 9c1d: "/build/app.jar": not found',
  "markdownlint-violation": "docs/setup.md:14:81 MD013/line-length Line length [Expected: 80; Actual: 96]",
};

test("each tool rule scores the failure line it is written for (the line scores less without it)", () => {
  const set = ruleSet();
  const specs = new Map(BUILT_IN_PACKS.flatMap((p) => p.rules).map((r) => [r.id, r]));
  for (const [id, line] of Object.entries(FAILURE_LINES)) {
    const spec = specs.get(id);
    assert.ok(spec, `no built-in rule ${id}`);
    const withIt = judgeLine(set, line).score;
    const without = judgeLine(ruleSet([{ ...spec, match: "(?!)" }]), line).score;
    assert.ok(withIt > 0 && withIt > without, `${id}: "${line}" scores ${withIt} with the rule, ${without} without`);
  }
});

test("every built-in pack has a name, a description and entries carrying its name", () => {
  const names = new Set<string>();
  for (const p of BUILT_IN_PACKS) {
    assert.ok(p.name && p.about && p.rules.length > 0, p.name);
    assert.ok(!names.has(p.name), `pack ${p.name} twice`);
    names.add(p.name);
    for (const r of p.rules) assert.equal(r.pack, p.name);
  }
});

test("a test runner's failure is picked over the totals and the build's own epilogue", async () => {
  const log = [
    "$ dotnet test",
    ...Array.from({ length: 30 }, (_, i) => `  Passed Shop.Tests.Case${i} [1 ms]`),
    "  Failed Shop.Tests.BasketTests.AddsTax [18 ms]",
    "  Error Message:",
    "   Assert.Equal() Failure",
    "   Expected: 107",
    "   Actual:   100",
    ...Array.from({ length: 10 }, (_, i) => `  Passed Shop.Tests.After${i} [1 ms]`),
    "Failed!  - Failed:     1, Passed:    40, Skipped:     0, Total:    41",
    'The command "dotnet test" exited with 1.',
  ].join("\n");
  const result = await triageLog(log);
  assert.equal(result.topLine?.text.trim(), "Failed Shop.Tests.BasketTests.AddsTax [18 ms]");
});

test("a link checker's issue list is picked, not the option it echoed about allowing SSL errors", async () => {
  const log = [
    "$ awesome_bot README.md --allow-ssl --allow-redirect",
    "> Checking links in README.md",
    "> Will allow redirects",
    "> Will allow SSL errors",
    "Links to check: 40",
    ...Array.from({ length: 40 }, (_, i) => `  ${i + 1}. https://lib${i}.example/`),
    "Checking URLs: ✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓→✓",
    "",
    "Issues :-(",
    "> Links ",
    "  1. [L12] 404 https://lib7.example/  ",
    "> Dupes ",
    "  None ✓",
    "",
    "Wrote results to ab-results-README.md.json",
    'The command "awesome_bot README.md --allow-ssl --allow-redirect" exited with 1.',
  ].join("\n");
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text.trim());
  assert.ok(picked.includes("Issues :-("), picked.join(" | "));
  assert.ok(picked.includes("1. [L12] 404 https://lib7.example/"), picked.join(" | "));
  assert.ok(!picked.some((t) => t.includes("SSL")), picked.join(" | "));
  assert.equal(result.category, "lint");
});

// Lines built to make a backtracking expression blow up: long runs of the pieces rules repeat
// (positions, dotted names, paths, separators). An expression nested like `(a+)+` takes hours
// on them; the VM's timeout interrupts such a run (a test's own timeout cannot stop a regex).
const CRAFTED_PIECES = [":1", ".a", "a.", "/a", "-a", " a", "a ", "\t", ":", "1,", ", ", "(1", "at ", "= ", "  ", "[a]", "::", "a::", "\\a"];

test("no built-in expression backtracks without end on a crafted line", () => {
  const lines = CRAFTED_PIECES.flatMap((p) => ["a.b" + p.repeat(60) + " X", p.repeat(60) + "!", "  " + p.repeat(30) + "\x00"]);
  const hung: string[] = [];
  for (const spec of BUILT_IN_PACKS.flatMap((p) => p.rules)) {
    const re = new RegExp(spec.match, spec.caseSensitive ? "" : "i");
    try {
      runInNewContext("for (const line of lines) re.test(line)", { re, lines }, { timeout: 5_000 });
    } catch {
      hung.push(spec.id);
    }
  }
  assert.deepEqual(hung, []);
});

test("a Terraform diagnostic box is the failure, not the CI's exit annotation after it", async () => {
  const log = [
    "##[group]Run terraform plan -input=false",
    "##[endgroup]",
    ...Array.from({ length: 20 }, (_, i) => `aws_route53_record.r${i}: Refreshing state... [id=Z${i}]`),
    "",
    "Planning failed. Terraform encountered an error while generating this plan.",
    "",
    "╷",
    "│ Error: Invalid reference",
    "│",
    "│   on dns.tf line 7, in resource \"aws_route53_record\" \"www\":",
    "│    7:   zone_id = zone.main.id",
    "│",
    "│ A reference to a resource type must be followed by at least one attribute access.",
    "╵",
    "##[error]Terraform exited with code 1.",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text);
  assert.equal(result.topLine?.text, "│ Error: Invalid reference");
  assert.equal(result.category, "infrastructure");
  assert.ok(picked.includes("│    7:   zone_id = zone.main.id"), picked.join(" | "));
});

test("golangci-lint's issues are a lint failure; the compile errors it relays stay compile errors", async () => {
  const log = (issues: string[]) => ["$ golangci-lint run ./...", ...Array.from({ length: 10 }, (_, i) => `level=info msg="[loader] loaded package ${i}"`), ...issues, "Error: issues found", 'The command "golangci-lint run ./..." exited with 1.'].join("\n");
  const lint = await triageLog(log(["shop/cart.go:42:2: ineffectual assignment to total (ineffassign)", "\ttotal := 0", "\t^", "shop/db.go:57:9: Error return value of `db.Close` is not checked (errcheck)"]));
  assert.equal(lint.category, "lint");
  assert.match(lint.topLine?.text ?? "", /^shop\/(?:cart|db)\.go:\d+:\d+: /);
  const compile = await triageLog(log(["shop/cart.go:89:4: undeclared name: os (typecheck)"]));
  assert.equal(compile.category, "compile");
});

test("a Go build failure is a compile error, in go build and in go test alike", async () => {
  const build = await triageLog(["##[group]Run go build ./...", "go: downloading example.test/uuid v1.6.0", "##[endgroup]", "# example.test/shop/cart", "cart/cart.go:42:9: undefined: totl", "cart/cart.go:57:2: declared and not used: tax", "##[error]Process completed with exit code 1."].join("\n"));
  assert.equal(build.category, "compile");
  assert.equal(build.topLine?.text, "cart/cart.go:42:9: undefined: totl");
  const test = await triageLog(["$ go test ./...", "ok  \texample.test/shop/auth\t0.012s", "# example.test/shop/cart [example.test/shop/cart.test]", "cart/cart_test.go:12:5: undefined: NewBasket", "FAIL\texample.test/shop/cart [build failed]", "FAIL"].join("\n"));
  assert.equal(test.category, "compile");
  assert.equal(test.topLine?.text, "cart/cart_test.go:12:5: undefined: NewBasket");
  // A failing test's own output (indented, no column) is still a test failure.
  const failing = await triageLog(["$ go test ./...", "--- FAIL: TestTotal (0.00s)", "    cart_test.go:42: expected 107, got 100", "FAIL\texample.test/shop/cart\t0.011s", "FAIL"].join("\n"));
  assert.equal(failing.category, "test");
});

test("a log copied from GitHub's web view ('Error: Process completed…') is answered like the raw log", async () => {
  const raw = ["##[group]Run pip install -r requirements.txt", "Collecting flask==3.0.0", "ERROR: Could not find a version that satisfies the requirement shoplib==9.9.9 (from versions: 1.0.0, 2.0.0)", "ERROR: No matching distribution found for shoplib==9.9.9", "##[error]Process completed with exit code 1."];
  const web = raw.map((l) => l.replace("##[group]", "").replace("##[error]", "Error: "));
  const [fromRaw, fromWeb] = await Promise.all([triageLog(raw.join("\n")), triageLog(web.join("\n"))]);
  assert.equal(fromWeb.topLine?.text, fromRaw.topLine?.text);
  assert.match(fromWeb.topLine?.text ?? "", /^ERROR: Could not find a version/);
  assert.equal(fromWeb.category, "dependency");
});

test("Python linters' and ShellCheck's findings are lint failures, with a finding as the top line", async () => {
  const ruff = await triageLog(["$ ruff check .", "shop/cart.py:1:8: F401 [*] `os` imported but unused", "shop/cart.py:42:5: E741 Ambiguous variable name: `l`", "Found 2 errors.", 'The command "ruff check ." exited with 1.'].join("\n"));
  assert.equal(ruff.category, "lint");
  assert.match(ruff.topLine?.text ?? "", /^shop\/cart\.py:\d+:\d+: [EF]\d+ /);
  const shellcheck = await triageLog(["$ shellcheck scripts/*.sh", "", "In scripts/deploy.sh line 12:", "rm -rf $DIR/*", '       ^--^ SC2115 (warning): Use "${var:?}" to ensure this never expands to /* .', "", "For more information:", "  https://www.shellcheck.net/wiki/SC2115 -- Use \"${var:?}\" to ensure this nev...", 'The command "shellcheck scripts/*.sh" exited with 1.'].join("\n"));
  assert.equal(shellcheck.category, "lint");
  assert.match(shellcheck.topLine?.text ?? "", /SC2115 \(warning\)/);
});

test("cargo's closing lines are never the top line: the panic, or the killed compiler, is", async () => {
  const tests = await triageLog(["$ cargo test", "running 2 tests", "test cart::tests::adds ... ok", "test cart::tests::total ... FAILED", "", "failures:", "", "---- cart::tests::total stdout ----", "thread 'cart::tests::total' panicked at src/cart.rs:42:9:", "assertion `left == right` failed", "  left: 100", " right: 107", "", "failures:", "    cart::tests::total", "", "test result: FAILED. 1 passed; 1 failed; 0 ignored", "", "error: test failed, to rerun pass `--lib`"].join("\n"));
  assert.equal(tests.topLine?.text, "thread 'cart::tests::total' panicked at src/cart.rs:42:9:");
  assert.equal(tests.category, "test");
  // rustc killed by the kernel (signal 9) is out of memory, not a compile error.
  const killed = await triageLog(["$ cargo build --release", "   Compiling shop v0.1.0 (/app)", "error: could not compile `shop` (lib)", "", "Caused by:", "  process didn't exit successfully: `rustc --crate-name shop --edition=2021 src/lib.rs` (signal: 9, SIGKILL: kill)"].join("\n"));
  assert.equal(killed.category, "oom");
  assert.match(killed.topLine?.text ?? "", /SIGKILL/);
});

test("webpack's unresolved module is the failure, not npm's epilogue; a missing file is a compile error, a missing package a dependency", async () => {
  const log = (request: string) => ["$ npm run build", "> shop@1.0.0 build", "> webpack --mode production", "asset main.js 1.2 MiB [emitted] (name: main)", "ERROR in ./src/index.js 3:0-28", `Module not found: Error: Can't resolve '${request}' in '/app/src'`, "webpack 5.89.0 compiled with 1 error in 812 ms", "npm error Lifecycle script `build` failed with error:", "npm error code 1", "npm error command failed", "npm error command sh -c webpack --mode production"].join("\n");
  const file = await triageLog(log("./cart"));
  assert.equal(file.topLine?.text, "Module not found: Error: Can't resolve './cart' in '/app/src'");
  assert.equal(file.category, "compile");
  const pkg = await triageLog(log("left-pad"));
  assert.equal(pkg.category, "dependency");
});

test("an Elixir compile error and a Dart compile error are compile errors", async () => {
  const elixir = await triageLog(["$ mix compile", "Compiling 12 files (.ex)", "== Compilation error in file lib/shop/cart.ex ==", "** (CompileError) lib/shop/cart.ex:42: undefined function totl/0 (expected Shop.Cart to define such a function or for it to be imported)", "    (elixir 1.15.7) lib/kernel/parallel_compiler.ex:377: anonymous fn/5 in Kernel.ParallelCompiler.spawn_workers/8"].join("\n"));
  assert.equal(elixir.category, "compile");
  assert.match(elixir.topLine?.text ?? "", /^\*\* \(CompileError\)/);
  const dart = await triageLog(["$ flutter build apk", "Running Gradle task 'assembleRelease'...", "lib/cart.dart:42:16: Error: The getter 'totl' isn't defined for the class 'Cart'.", "    return totl;", "           ^^^^", "Target kernel_snapshot failed: Exception"].join("\n"));
  assert.equal(dart.category, "compile");
  assert.equal(dart.topLine?.text, "lib/cart.dart:42:16: Error: The getter 'totl' isn't defined for the class 'Cart'.");
});

test("git's and make's closing lines give way to the line that says why", async () => {
  const ssh = await triageLog(["$ git clone git@git.example:acme/private-lib.git", "Cloning into 'private-lib'...", "git@git.example: Permission denied (publickey).", "fatal: Could not read from remote repository.", "", "Please make sure you have the correct access rights", "and the repository exists."].join("\n"));
  assert.equal(ssh.topLine?.text, "git@git.example: Permission denied (publickey).");
  assert.equal(ssh.category, "permission");
  const crash = await triageLog(["$ make test", "./build/shop_tests", "[ RUN      ] Cart.Total", "Segmentation fault (core dumped)", "make: *** [Makefile:30: test] Error 139"].join("\n"));
  assert.equal(crash.topLine?.text, "Segmentation fault (core dumped)");
});

test("lockfiles, module files, unresolvable requirements, cloud credentials and missing variables get their category", async () => {
  const cases: [string, string[], string, RegExp][] = [
    ["pnpm", ["$ pnpm install --frozen-lockfile", ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with package.json', "", "Note that in CI environments this setting is true by default."], "dependency", /ERR_PNPM_OUTDATED_LOCKFILE/],
    ["yarn", ["$ yarn install --immutable", "➤ YN0000: ┌ Resolution step", "➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.", "➤ YN0000: Failed with errors in 0s 318ms"], "dependency", /YN0028/],
    ["go modules", ["$ go build ./...", "go: updates to go.mod needed; to update it:", "\tgo mod tidy"], "dependency", /^go: updates to go\.mod needed/],
    ["composer", ["$ composer install", "Your requirements could not be resolved to an installable set of packages.", "", "  Problem 1", "    - Root composer.json requires acme/lib ^9.0, found acme/lib[1.0.0] but it does not match the constraint."], "dependency", /^Your requirements could not be resolved/],
    ["aws", ["$ aws s3 cp dist/ s3://assets/ --recursive", "upload failed: dist/main.js to s3://assets/main.js An error occurred (ExpiredToken) when calling the PutObject operation: The security token included in the request is expired"], "permission", /ExpiredToken/],
    ["env", ["$ node scripts/deploy.js", "Error: Missing required environment variable: PAYMENT_KEY", "    at requireEnv (/app/scripts/env.js:4:11)"], "missing_env", /Missing required environment variable/],
  ];
  for (const [name, lines, category, top] of cases) {
    const result = await triageLog(lines.join("\n"));
    assert.equal(result.category, category, name);
    assert.match(result.topLine?.text ?? "", top, name);
  }
});

test("Jenkins', CircleCI's, Azure Pipelines' and Buildkite's exit lines are the outcome, never the top line; Bazel's failed target is a test failure", async () => {
  const failure = ["$ npm ci", "npm ERR! code E404", "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fmissing - Not found"];
  for (const exit of ["ERROR: script returned exit code 1", "Exited with code exit status 1", "##[error]Bash exited with code '1'.", "🚨 Error: The command exited with status 1"]) {
    const result = await triageLog([...failure, exit, "Finished: FAILURE"].join("\n"));
    assert.match(result.topLine?.text ?? "", /^npm ERR! /, exit);
    assert.equal(result.category, "dependency", exit);
  }
  const bazel = await triageLog(["INFO: Analyzed 12 targets (0 packages loaded, 0 targets configured).", "FAIL: //shop/cart:cart_test (see /home/ci/.cache/bazel/testlogs/shop/cart/cart_test/test.log)", "INFO: Elapsed time: 3.2s, Critical Path: 2.9s", "//shop/cart:cart_test                                  FAILED in 0.4s", "", "Executed 1 out of 1 test: 1 fails locally."].join("\n"));
  assert.equal(bazel.category, "test");
  assert.match(bazel.topLine?.text ?? "", /\/\/shop\/cart:cart_test/);
});

test("a rollout that never became ready is a health check failure; pytest-timeout's verdict is a timeout", async () => {
  const rollout = await triageLog(["$ kubectl rollout status deploy/shop --timeout=60s", 'Waiting for deployment "shop" rollout to finish: 0 of 1 updated replicas are available...', 'error: deployment "shop" exceeded its progress deadline'].join("\n"));
  assert.equal(rollout.category, "health_check");
  const slow = await triageLog(["$ pytest", "tests/test_sync.py::test_full_sync FAILED", "=================================== FAILURES ===================================", "________________________________ test_full_sync ________________________________", "E   Failed: Timeout >300.0s", "=========================== short test summary info ============================", "FAILED tests/test_sync.py::test_full_sync - Failed: Timeout >300.0s"].join("\n"));
  assert.equal(slow.category, "timeout");
});
