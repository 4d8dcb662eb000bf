import assert from "node:assert/strict";
import { test } from "node:test";
import { triageLog } from "./triage.js";

const build = (lines: string[]) =>
  [
    "$ cabal build",
    ...Array.from({ length: 40 }, (_, i) => `[${i + 1} of 60] Compiling Shop.Module${i} ( src/Shop/Module${i}.hs, dist/build/Shop/Module${i}.o )`),
    ...lines,
    'The command "cabal build" exited with 1.',
  ].join("\n");

test("warnings its tool made fatal are the failure, not the tool's verdict nor an earlier error-looking line", async () => {
  const log = build([
    "Copying templates: error page, not-found page",
    "[41 of 60] Compiling Shop.Basket ( src/Shop/Basket.hs, dist/build/Shop/Basket.o )",
    "",
    "src/Shop/Basket.hs:14:1: Warning:",
    "    The import of 'Data.List' is redundant",
    "",
    "<no location info>:",
    "Failing due to -Werror.",
  ]);
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text.trim());
  assert.ok(picked.includes("src/Shop/Basket.hs:14:1: Warning:"), picked.join(" | "));
  assert.ok(picked.includes("The import of 'Data.List' is redundant"), picked.join(" | "));
  assert.ok(!picked.some((t) => t.startsWith("Copying")), picked.join(" | "));
  assert.equal(result.topLine?.text, "src/Shop/Basket.hs:14:1: Warning:");
  assert.equal(result.category, "compile");
  assert.match(result.cause, /warnings as errors/);
});

test("warnings stay harmless when the tool does not say they were fatal", async () => {
  const log = build([
    "src/Shop/Basket.hs:14:1: Warning:",
    "    The import of 'Data.List' is redundant",
    "[42 of 60] Compiling Shop.Checkout ( src/Shop/Checkout.hs, dist/build/Shop/Checkout.o )",
    "",
    "src/Shop/Checkout.hs:30:9: error:",
    "    Variable not in scope: totl :: Int",
  ]);
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text.trim());
  assert.equal(result.topLine?.text.trim(), "src/Shop/Checkout.hs:30:9: error:");
  assert.ok(!picked.some((t) => t.includes("Data.List")), picked.join(" | "));
});

test("a linter's warnings over its maximum are the failure, with the rule each one broke", async () => {
  const log = [
    "$ npx eslint --max-warnings 0 src",
    "",
    "/home/ci/shop/src/cart.js",
    "  12:7   warning  'total' is assigned a value but never used  no-unused-vars",
    "  30:1   warning  Unexpected console statement                no-console",
    "",
    "✖ 2 problems (0 errors, 2 warnings)",
    "",
    "ESLint found too many warnings (maximum: 0).",
    'The command "npx eslint --max-warnings 0 src" exited with 1.',
  ].join("\n");
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text.trim());
  assert.ok(picked.some((t) => t.startsWith("12:7")), picked.join(" | "));
  assert.ok(picked.some((t) => t.startsWith("30:1")), picked.join(" | "));
  // The verdict is a linter's, so the failure is a lint failure, with the linter's way out.
  assert.equal(result.category, "lint");
  assert.match(result.cause, /warning/);
  assert.match(result.next, /--max-warnings/);
});

test("a linter that failed with only warnings to show failed on them", async () => {
  const log = [
    "$ make lint",
    ...Array.from({ length: 20 }, (_, i) => `go: downloading example.test/lib${i} v1.0.${i}`),
    ">>> bin/metalinter --vendor --deadline=2m ./...",
    "shop/basket.go:1::warning: file is not gofmted with -s (gofmt)",
    "shop/cart.go:14:2:warning: unused variable total (deadcode)",
    "build/ci.go:45: exit status 1",
    "make: *** [lint] Error 1",
    'The command "make lint" exited with 2.',
  ].join("\n");
  const result = await triageLog(log);
  const picked = result.evidence.map((e) => e.text.trim());
  assert.ok(picked.some((t) => t.startsWith("shop/basket.go:1::warning")), picked.join(" | "));
  assert.ok(picked.some((t) => t.startsWith("shop/cart.go:14:2:warning")), picked.join(" | "));
});

test("a user's own checker can say its warnings were fatal, and of which kind", async () => {
  const rules = [
    { id: "widgetlint-warning", score: 0, role: "warning-diagnostic" as const, match: "^WL\\d+ warn " },
    { id: "widgetlint-limit", score: 0, role: "warnings-fatal" as const, category: "lint" as const, match: "^widgetlint: over the warning budget" },
  ];
  const log = ["$ widgetlint src/", ...Array.from({ length: 30 }, (_, i) => `checked src/w${i}.widget`), "WL104 warn src/w7.widget: knob never turned", "widgetlint: over the warning budget (1 > 0)", "exit status 1"].join("\n");
  const result = await triageLog(log, { rules });
  assert.equal(result.topLine?.text, "WL104 warn src/w7.widget: knob never turned");
  assert.equal(result.category, "lint");
  const without = await triageLog(log);
  assert.notEqual(without.category, "lint", "without the rules nothing says a lint check failed");
});
