/**
 * The paved-road runner end to end (real CLI, real control plane on SQLite, real git, real
 * child processes): missing variables fail before the first stage, naming each; a good run
 * redacts its secrets, times its stages, pushes the artifact with SLSA provenance, an SBOM and
 * a signature, and reports itself; `trace` follows the commit to the deployment; the evidence
 * bundle carries provenance, signature results and the SBOM digest and verifies offline; a
 * stage past its timeout fails the run, which the server triages.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import YAML from "yaml";
import { verifyEvidenceBundleBytes } from "../../src/audit/index.js";
import { PACKAGE_ROOT, startPlane, tempDir, type PlaneFixture } from "../helpers/fixture.js";
import { runCli, type CliResult } from "../helpers/processes.js";

const SERVICE = "runner-app";
const NPM_TOKEN = "npm_s3cr3t_token_value_77";
const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** A small Node project in a git repository: stages install (echoes the token), test, package (dist/). */
async function makeProject(root: string, stages: { name: string; run: string; timeout?: string }[]): Promise<string> {
  const dir = join(root, `project-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir, { recursive: true });
  const app = await readFile(join(PACKAGE_ROOT, "examples", "hello", "app", "server.js"), "utf8");
  await writeFile(join(dir, "server.js"), app);
  await writeFile(join(dir, "build.json"), JSON.stringify({ version: "1.4.0", failRate: 0 }));
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: SERVICE, version: "1.4.0", dependencies: { "left-pad": "1.3.0" } }));
  await writeFile(join(dir, "package-lock.json"), JSON.stringify({ name: SERVICE, version: "1.4.0", lockfileVersion: 3, requires: true, packages: { "": { name: SERVICE, version: "1.4.0", dependencies: { "left-pad": "1.3.0" } }, "node_modules/left-pad": { version: "1.3.0", resolved: "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", integrity: "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEb6jLe1t2mAS3MhwmfJVGDU6tXpp+jLObmv6U9Nl5eW28w==", license: "WTFPL" } } }));
  await writeFile(join(dir, "slipway.yaml"), YAML.stringify({
    service: SERVICE,
    owner: "team-test",
    build: { env: ["API_TOKEN", "DEPLOY_REGION"], secrets: { NPM_TOKEN: { secret: "env:CI_NPM_TOKEN" } }, stages, artifact: "dist" },
    run: { command: "node server.js", readiness: { http: "/healthz", interval: "100ms", timeout: "20s" }, shutdown: { grace: "2s" } },
    environments: { dev: { requires: { signed_by: ["runner-key"], provenance: true, sbom: true } } },
  }));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "add", ".");
  git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", "init");
  git("remote", "add", "origin", "https://ci-bot:ghp_remoteTOKEN123@git.example/acme/runner-app.git");
  return dir;
}

const GOOD_STAGES = [
  { name: "install", run: 'echo "using token $NPM_TOKEN for $DEPLOY_REGION"' },
  { name: "test", run: "echo tests pass", timeout: "30s" },
  { name: "package", run: "mkdir -p dist && cp server.js build.json package.json dist/" },
];

describe("slipway pipeline run (sqlite)", () => {
  let fx: PlaneFixture;
  let work: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { SLIPWAY_SERVER: fx.api.url, SLIPWAY_TOKEN: fx.api.token, ...env } });

  before(async () => {
    fx = await startPlane("sqlite");
    work = await tempDir("runner");
    assert.equal((await cli(["keys", "create", "runner-key", "--dir", work])).code, 0);
    assert.equal((await cli(["keys", "register", "runner-key", "--public", join(work, "runner-key.pub")])).code, 0);
  });
  after(async () => {
    await fx?.cleanup();
  });

  test("two missing variables and a missing secret fail before the first stage, each named", async () => {
    const dir = await makeProject(work, [{ name: "marker", run: "touch ran-a-stage" }, ...GOOD_STAGES]);
    const r = await cli(["pipeline", "run", "--file", join(dir, "slipway.yaml")], { API_TOKEN: "", CI_NPM_TOKEN: "" });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /3 required variables are missing, so no stage ran: API_TOKEN \(build\.env: empty\); DEPLOY_REGION \(build\.env: not set\); NPM_TOKEN \(build\.secrets: secret env:CI_NPM_TOKEN is not set/, show(r));
    assert.equal(existsSync(join(dir, "ran-a-stage")), false);
  });

  test("a good run: redacted output, stage timings, artifact with provenance, SBOM and signature; trace and evidence", async () => {
    const dir = await makeProject(work, GOOD_STAGES);
    await fx.api.apply(await readFile(join(dir, "slipway.yaml"), "utf8"));
    const env = { API_TOKEN: "api-token-value-1", DEPLOY_REGION: "eu-west", CI_NPM_TOKEN: NPM_TOKEN };
    const r = await cli(["pipeline", "run", "--file", join(dir, "slipway.yaml"), "--version", "1.4.0", "--sign", join(work, "runner-key.key")], env);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /using token \[REDACTED\] for \[REDACTED\]/, show(r));
    assert.ok(!(r.stdout + r.stderr).includes(NPM_TOKEN));
    assert.match(r.stderr, /^ {2}install +succeeded +\d/m, show(r));
    assert.match(r.stderr, /attached SLSA v1 provenance \(builder https:\/\/slipway\.dev\/runner\/\S+, run \w+\)/, show(r));
    assert.match(r.stderr, /attached CycloneDX 1\.6 SBOM \(1 components\)/, show(r));

    const [run] = await fx.plane.store.db.selectFrom("pipeline_runs").selectAll().where("service", "=", SERVICE).where("status", "=", "succeeded").execute();
    assert.ok(run, "the run was reported");
    assert.ok(run.log!.includes("[REDACTED]") && !run.log!.includes(NPM_TOKEN), "the stored log is redacted");
    const stages = JSON.parse(run.stages_json) as { name: string; durationMs: number }[];
    assert.deepEqual(stages.map((s) => s.name), ["install", "test", "package"]);
    assert.ok(stages.every((s) => Number.isInteger(s.durationMs)));
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir }).toString().trim();
    assert.equal(run.commit_sha, commit);
    assert.equal(run.repository, "https://git.example/acme/runner-app.git", "credentials never reach the record");

    // Every gate of dev holds (signed_by, provenance, sbom); deploy it.
    const deploy = await cli(["deploy", SERVICE, "1.4.0", "--env", "dev", "--wait"]);
    assert.equal(deploy.code, 0, show(deploy));
    const id = /deployment (\S+):/.exec(deploy.stdout)![1]!;

    const traced = await cli(["trace", commit.slice(0, 10)]);
    assert.equal(traced.code, 0, show(traced));
    assert.match(traced.stdout, new RegExp(`commit ${commit}`), show(traced));
    assert.match(traced.stdout, /run \S+ .*runner-app\/slipway succeeded/, show(traced));
    assert.match(traced.stdout, /install \d.*test \d.*package \d/, show(traced));
    assert.match(traced.stdout, /artifact runner-app 1\.4\.0 sha256:[0-9a-f]{64}/, show(traced));
    assert.match(traced.stdout, /provenance +SLSA v1 by https:\/\/slipway\.dev\/runner\//, show(traced));
    assert.match(traced.stdout, /signatures +ok: signed by runner-key/, show(traced));
    assert.match(traced.stdout, /dev +\S+ +succeeded/, show(traced));
    const json = JSON.parse((await cli(["trace", id, "--json"])).stdout) as { kind: string; artifacts: { deployments: { id: string }[] }[] };
    assert.equal(json.kind, "deployment");
    assert.equal(json.artifacts[0]!.deployments[0]!.id, id);

    const exported = await cli(["audit", "export", id]);
    assert.equal(exported.code, 0, show(exported));
    const bundle = JSON.parse(exported.stdout) as { supplyChain: { provenance: { builderId: string; document: string }; sbom: { docDigest: string }; signatures: { verified: boolean; key: { name: string } }[] } };
    assert.match(bundle.supplyChain.provenance.builderId, /^https:\/\/slipway\.dev\/runner\//);
    assert.match(bundle.supplyChain.sbom.docDigest, /^[0-9a-f]{64}$/);
    assert.deepEqual(bundle.supplyChain.signatures.map((s) => [s.key.name, s.verified]), [["runner-key", true]]);
    assert.deepEqual(verifyEvidenceBundleBytes(Buffer.from(exported.stdout)).problems, []);
    // Offline verification notices a changed provenance, even with the digest recomputed.
    const forged = JSON.parse(exported.stdout) as Record<string, unknown> & { supplyChain: { provenance: { document: string } } };
    forged.supplyChain.provenance.document = forged.supplyChain.provenance.document.replace(commit, "f".repeat(40));
    const { evidenceBundleDigest, serializeEvidenceBundle } = await import("../../src/audit/index.js");
    forged.bundleDigest = evidenceBundleDigest(forged);
    const problems = verifyEvidenceBundleBytes(Buffer.from(serializeEvidenceBundle(forged))).problems;
    assert.ok(problems.some((p) => /provenance.document does not hash to its docDigest/.test(p)), problems.join("\n"));
  });

  test("a stage past its timeout fails the run; the rest are skipped; the server triages it", async () => {
    const dir = await makeProject(work, [{ name: "test", run: "echo starting; sleep 30", timeout: "1s" }, { name: "package", run: "mkdir dist" }]);
    const r = await cli(["pipeline", "run", "--file", join(dir, "slipway.yaml"), "--version", "9.9.9"], { API_TOKEN: "x-token", DEPLOY_REGION: "eu", CI_NPM_TOKEN: NPM_TOKEN });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /^ {2}test +failed +\d+(\.\d+)?s +timed out after 1s$/m, show(r));
    assert.match(r.stderr, /^ {2}package +skipped +- +an earlier stage failed$/m, show(r));
    assert.match(r.stderr, /^triage: /m, show(r));
    const [run] = await fx.plane.store.db.selectFrom("pipeline_runs").selectAll().where("status", "=", "failed").execute();
    assert.ok(run?.triage_json, "the failed run was triaged");
    assert.equal(existsSync(join(dir, "dist")), false);
  });
});
