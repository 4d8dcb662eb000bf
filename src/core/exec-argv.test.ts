import assert from "node:assert/strict";
import { test } from "node:test";
import { childExecArgv } from "./exec-argv.js";

test("a TypeScript child keeps the tsx loader; a compiled one drops it", () => {
  const argv = ["--require", "/x/node_modules/tsx/dist/preflight.cjs", "--import", "file:///x/node_modules/tsx/dist/loader.mjs", "--enable-source-maps"];
  assert.deepEqual(childExecArgv("/app/src/drivers/process/shim.ts", argv), argv);
  assert.deepEqual(childExecArgv("/app/dist/drivers/process/shim.js", argv), ["--enable-source-maps"]);
  assert.deepEqual(childExecArgv("/app/dist/router/main.js", ["--import", "tsx", "--import=tsx"]), []);
});

test("test-runner and debugger flags never reach a long-lived child", () => {
  assert.deepEqual(childExecArgv("/a/shim.ts", ["--import", "tsx", "--test-reporter", "spec", "--inspect=9229", "--test"]), ["--import", "tsx"]);
});
