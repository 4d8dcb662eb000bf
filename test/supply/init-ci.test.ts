/**
 * `slipway init --ci github|gitlab` in an empty directory: it writes a slipway.yaml with a build
 * section and a CI file that lints clean (actionlint when it is installed, else GitHub's own
 * workflow schema via @actions/workflow-parser; GitLab: a structural check of .gitlab-ci.yml).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import YAML from "yaml";
import { z } from "zod";
import { parseServiceConfig } from "../../src/core/index.js";
import { PACKAGE_ROOT } from "../helpers/fixture.js";

const CLI = join(PACKAGE_ROOT, "src", "cli", "main.ts");
/** The CLI run in `cwd` (tsx resolved absolutely, so any directory works). */
const slipway = (cwd: string, ...args: string[]) => spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, SLIPWAY_SERVER: "", SLIPWAY_TOKEN: "" } });

const hasActionlint = spawnSync("actionlint", ["-version"]).status === 0;

describe("slipway init --ci", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "slipway-init-ci-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("github: a workflow that builds, signs, pushes and deploys, and lints clean", async () => {
    const cwd = join(dir, "gh");
    execFileSync("mkdir", ["-p", cwd]);
    const r = slipway(cwd, "init", "--ci", "github", "--service", "shop-api");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote \.github\/workflows\/slipway\.yml: builds, signs and pushes shop-api, then deploys to dev/);
    const config = parseServiceConfig(await readFile(join(cwd, "slipway.yaml"), "utf8"), "slipway.yaml");
    assert.deepEqual(config.errors, []);
    assert.equal(config.config!.build!.artifact, "dist");
    const file = join(cwd, ".github", "workflows", "slipway.yml");
    const text = await readFile(file, "utf8");
    if (hasActionlint) {
      const lint = spawnSync("actionlint", [file], { encoding: "utf8" });
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    }
    const parsed = parseWorkflow({ name: "slipway.yml", content: text }, new NoOperationTraceWriter());
    assert.deepEqual(parsed.context.errors.getErrors().map((e) => e.message), []);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    assert.deepEqual(template.errors ?? [], []);
    const steps = (template.jobs[0] as { steps: { run?: { toString(): string } }[] }).steps.map((s) => s.run?.toString() ?? "");
    assert.ok(steps.some((s) => s.includes('slipway pipeline run --file slipway.yaml --version "$VERSION" --sign "$RUNNER_TEMP/release.key"')), steps.join("\n"));
    assert.ok(steps.some((s) => s.includes('slipway deploy shop-api "$VERSION" --env dev')), steps.join("\n"));
    assert.doesNotMatch(text, /-----BEGIN/, "no key material in the file");
    // Never over an existing file.
    assert.equal(slipway(cwd, "init", "--ci", "github").status, 1);
  });

  test("a broken workflow is caught by the same check (the check is real)", () => {
    const parsed = parseWorkflow({ name: "bad.yml", content: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n" }, new NoOperationTraceWriter());
    assert.ok(parsed.context.errors.getErrors().length > 0);
  });

  test("gitlab: a pipeline whose jobs, stages and needs hold together; build secrets are named", async () => {
    const cwd = join(dir, "gl");
    execFileSync("mkdir", ["-p", cwd]);
    await import("node:fs/promises").then((fs) => fs.writeFile(join(cwd, "slipway.yaml"), ["service: shop-worker", "owner: team-x", "build:", "  env: [API_TOKEN]", "  secrets: { NPM_TOKEN: { secret: env:CI_NPM_TOKEN } }", "  stages: [{ name: test, run: npm test }]", "  artifact: dist", "run: { command: node worker.js }", "environments: { staging: {}, prod: {} }", ""].join("\n")));
    const r = slipway(cwd, "init", "--ci", "gitlab");
    assert.equal(r.status, 0, r.stderr);
    const text = await readFile(join(cwd, ".gitlab-ci.yml"), "utf8");
    assert.match(text, /and API_TOKEN, CI_NPM_TOKEN for the build/);
    const doc = YAML.parse(text) as Record<string, unknown>;
    const job = z.strictObject({
      stage: z.string(),
      script: z.array(z.string().min(1)).min(1),
      after_script: z.array(z.string()).optional(),
      rules: z.array(z.strictObject({ if: z.string() })).optional(),
      needs: z.array(z.string()).optional(),
      environment: z.strictObject({ name: z.string() }).optional(),
    });
    const top = z.strictObject({ stages: z.array(z.string()).min(1), variables: z.record(z.string(), z.string()), default: z.strictObject({ image: z.string() }) }).passthrough();
    const { stages } = top.parse(doc);
    const jobs = Object.entries(doc).filter(([k]) => !["stages", "variables", "default"].includes(k));
    assert.deepEqual(jobs.map(([k]) => k), ["release", "deploy-staging"]);
    for (const [name, value] of jobs) {
      const j = job.parse(value);
      assert.ok(stages.includes(j.stage), `${name}: stage ${j.stage} is declared`);
      for (const n of j.needs ?? []) assert.ok(jobs.some(([k]) => k === n), `${name} needs ${n}, which exists`);
    }
  });
});
