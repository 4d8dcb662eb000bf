/**
 * Bad input is refused where it enters, with a precise answer:
 * - broken slipway.yaml files (wrong type, unknown key, bad duration, missing run command),
 *   through the real CLI (`slipway lint FILE`: exit 2, FILE:LINE:COLUMN) and through
 *   POST /api/v1/services (400 with located details);
 * - malicious artifact archives pushed through the API (400 naming the entry), leaving nothing behind.
 */
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { craftTgz } from "../src/supply/testing.js";
import { startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { runCli } from "./helpers/processes.js";

const HEAD = `service: broken
owner: team-e2e
`;
const RUN = `run:
  command: node server.js
`;

interface BadFile {
  name: string;
  yaml: string;
  /** The one error expected: where, which key, and words of its message. */
  line: number;
  column: number;
  path: string;
  message: RegExp;
}

const BAD_FILES: BadFile[] = [
  {
    name: "wrong-type.yaml",
    yaml: `${HEAD}${RUN}environments:
  dev:
    target: { replicas: "two" }
`,
    line: 7,
    column: 25,
    path: "environments.dev.target.replicas",
    message: /found "two", expected a number/,
  },
  {
    name: "unknown-key.yaml",
    yaml: `${HEAD}${RUN}environments:
  dev:
    strategy:
      type: rolling
      bach: 2
`,
    line: 9,
    column: 7,
    path: "environments.dev.strategy.bach",
    message: /unknown key "bach".*did you mean "batch"\?/,
  },
  {
    name: "bad-duration.yaml",
    yaml: `${HEAD}run:
  command: node server.js
  readiness: { http: /healthz, interval: 10 seconds }
environments:
  dev: {}
`,
    line: 5,
    column: 42,
    path: "run.readiness.interval",
    message: /found "10 seconds", expected a duration/,
  },
  {
    name: "no-run-command.yaml",
    yaml: `${HEAD}run:
  port_env: PORT
environments:
  dev: {}
`,
    line: 3,
    column: 1,
    path: "run.command",
    message: /missing required key run\.command/,
  },
];

describe("bad slipway.yaml and malicious archives are refused with precise errors", () => {
  let fx: PlaneFixture;
  before(async () => {
    fx = await startPlane("sqlite");
  });
  after(() => fx?.cleanup());

  for (const bad of BAD_FILES) {
    test(`slipway lint and POST /services: ${bad.name}`, async () => {
      const file = join(fx.workDir, bad.name);
      await writeFile(file, bad.yaml);
      const cli = await runCli(["lint", file]);
      assert.equal(cli.code, 2, `exit code 2; stdout: ${cli.stdout} stderr: ${cli.stderr}`);
      const lines = cli.stdout.split("\n").filter((l) => l.startsWith(`${file}:`) && !l.includes(": warning: "));
      assert.equal(lines.length, 1, `exactly one located error:\n${cli.stdout}`);
      assert.ok(lines[0]!.startsWith(`${file}:${bad.line}:${bad.column}: `), `at ${bad.line}:${bad.column}: ${lines[0]}`);
      assert.ok(lines[0]!.includes(bad.path), lines[0]);
      assert.match(lines[0]!, bad.message);

      const answer = await fx.api.call<{ error: { code: string; message: string; details: { file: string; line: number; column: number; path: string; message: string }[] } }>("POST", "/services", {
        yaml: bad.yaml,
        file: bad.name,
      });
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.error.code, "bad_input");
      const details = answer.body.error.details;
      assert.ok(Array.isArray(details) && details.length === 1, answer.text);
      assert.deepEqual({ file: details[0]!.file, line: details[0]!.line, column: details[0]!.column, path: details[0]!.path }, { file: bad.name, line: bad.line, column: bad.column, path: bad.path });
      assert.match(details[0]!.message, bad.message);
    });
  }

  test("nothing of the broken files was registered", async () => {
    const { services } = await fx.api.ok<{ services: unknown[] }>("GET", "/services");
    assert.deepEqual(services, []);
  });

  const MALICIOUS: { name: string; entries: Parameters<typeof craftTgz>[0]; names: RegExp }[] = [
    { name: "a ../ entry", entries: [{ path: "server.js", body: "x" }, { path: "../escape.js", body: "owned" }], names: /archive entry \.\.\/escape\.js/ },
    { name: "an absolute path", entries: [{ path: "/tmp/slipway-owned.txt", body: "owned" }], names: /archive entry \/tmp\/slipway-owned\.txt has an absolute path/ },
    { name: "a symlink out", entries: [{ path: "etc", type: "SymbolicLink", linkpath: "../../../../etc" }], names: /archive entry etc is .*escape/ },
  ];
  for (const m of MALICIOUS) {
    test(`an artifact archive with ${m.name} is refused with 400 naming the entry`, async () => {
      const answer = await fx.api.call<{ error: { code: string; message: string } }>("PUT", "/artifacts/evil/1.0.0", craftTgz(m.entries));
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.error.code, "bad_input");
      assert.match(answer.body.error.message, m.names);
    });
  }

  test("a refused archive leaves no artifact and no file behind", async () => {
    const { artifacts } = await fx.api.ok<{ artifacts: unknown[] }>("GET", "/artifacts/evil");
    assert.deepEqual(artifacts, []);
    const leftovers = await readdir(join(fx.dataDir, "tmp")).catch(() => []);
    assert.deepEqual(leftovers, []);
    const escaped = await readdir(join(fx.dataDir, "..")).then((names) => names.filter((n) => n === "escape.js"));
    assert.deepEqual(escaped, []);
  });
});
