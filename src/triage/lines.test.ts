import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanLine, LineSplitter, splitLines, stepMark } from "./lines.js";

test("LF, CRLF and a lone CR each end a line, also across chunk boundaries", () => {
  assert.deepEqual(splitLines("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
  const got: string[] = [];
  const s = new LineSplitter((l) => got.push(l));
  for (const part of ["one\r", "\ntwo\r", "three\n", "fo", "ur"]) s.push(Buffer.from(part));
  s.end();
  assert.deepEqual(got, ["one", "two", "three", "four"]);
});

test("progress bars (many CR-ended lines before one LF) split the same whatever the chunking", () => {
  const text = `start\n${Array.from({ length: 50 }, (_, i) => `${i}%`).join("\r")}\r\ndone\r\n\nlast`;
  const whole = splitLines(text);
  assert.equal(whole.length, 54);
  assert.deepEqual(whole.slice(0, 3), ["start", "0%", "1%"]);
  assert.deepEqual(whole.slice(-4), ["49%", "done", "", "last"]);
  for (const size of [1, 2, 3, 7, 64]) {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    for (let i = 0; i < text.length; i += size) s.push(Buffer.from(text.slice(i, i + size)));
    s.end();
    assert.deepEqual(got, whole, `chunks of ${size}`);
  }
});

test("invalid UTF-8 and binary junk never throw, and over-long lines are cut", () => {
  const got: string[] = [];
  const s = new LineSplitter((l) => got.push(l));
  s.push(new Uint8Array([0xff, 0xfe, 0x41, 0x0a, 0xc3]));
  s.push(new Uint8Array([0x28, 0x0a]));
  s.push("x".repeat(100_000) + "\nend");
  s.end();
  assert.equal(got.length, 4);
  assert.ok(got[0]?.endsWith("A"));
  assert.ok((got[2]?.length ?? 0) <= 4096);
  assert.equal(got[3], "end");
});

test("cleanLine removes ANSI escapes, control characters, CI timestamps and GitLab section markers", () => {
  assert.equal(cleanLine("2022-05-30T09:11:02.8577255Z \x1b[31mError:\x1b[0m boom\x07"), "Error: boom");
  assert.equal(cleanLine("section_end:1657748964:prepare_script\x1b[0KERROR: Job failed"), "ERROR: Job failed");
});

test("step marks of GitHub Actions, GitLab and Travis", () => {
  assert.deepEqual(stepMark("##[group]Run npm test", "##[group]Run npm test"), { kind: "start", name: "Run npm test" });
  const gl = "section_start:1660176768:step_script\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage\x1b[0;m";
  assert.equal(stepMark(gl, cleanLine(gl))?.name, 'Executing "step_script" stage');
  assert.equal(stepMark("travis_fold:start:install\r", "travis_fold:start:install")?.name, "install");
});
