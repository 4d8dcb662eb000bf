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
