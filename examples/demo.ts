/**
 * `npm run demo`: drives the real CLI against a running control plane (`npm start`) through
 * the whole story: hello 1.0.0 to dev (rolling), 1.1.0 (blue-green), then 1.2.0, a build that
 * answers 20 % of requests with 500, as a canary that analysis catches and rolls back while
 * traffic is running. Exits 0 only if every step ended as expected.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { runLoad, type LoadResult } from "./load.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const HELLO = join(ROOT, "examples", "hello");
const CLI = existsSync(join(ROOT, "dist", "cli", "main.js"))
  ? [join(ROOT, "dist", "cli", "main.js")]
  : ["--import", "tsx", join(ROOT, "src", "cli", "main.ts")];

interface Chapter {
  title: string;
  version: string;
  failRate: number;
  strategy: Record<string, unknown>;
  analysis?: Record<string, unknown>;
  expect: "succeeded" | "rolled_back";
}

const CHAPTERS: Chapter[] = [
  { title: "rolling update", version: "1.0.0", failRate: 0, strategy: { type: "rolling", batch: 1 }, expect: "succeeded" },
  { title: "blue-green switch", version: "1.1.0", failRate: 0, strategy: { type: "blue-green" }, expect: "succeeded" },
  {
    title: "canary of a bad build (20 % of requests fail)",
    version: "1.2.0",
    failRate: 0.2,
    strategy: { type: "canary", steps: [{ weight: 20, pause: "10s" }, { weight: 50, pause: "5s" }, { weight: 100 }] },
    analysis: { interval: "1s", min_requests: 40, metrics: [{ name: "error-rate", max: 0.05 }, { name: "latency-p95", max_increase: "100%" }] },
    expect: "rolled_back",
  },
];

function slipway(args: string[], options: { quiet?: boolean } = {}): { code: number; stdout: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: "utf8", env: process.env });
  if (!options.quiet) process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return { code: result.status ?? 1, stdout: result.stdout };
}

/** Like slipway() but without blocking, so the load loop keeps sending while the CLI waits. */
function slipwayAsync(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout }));
  });
}

function buildVersion(dir: string, version: string, failRate: number): string {
  const out = join(dir, `hello-${version}`);
  cpSync(join(HELLO, "app"), out, { recursive: true });
  writeFileSync(join(out, "build.json"), JSON.stringify({ version, failRate }) + "\n");
  return out;
}

function applyVariant(dir: string, chapter: Chapter): void {
  const doc = parseDocument(readFileSync(join(HELLO, "slipway.yaml"), "utf8"));
  doc.setIn(["environments", "dev", "strategy"], doc.createNode(chapter.strategy));
  if (chapter.analysis) doc.setIn(["environments", "dev", "verify", "analysis"], doc.createNode(chapter.analysis));
  const file = join(dir, `slipway-${chapter.version}.yaml`);
  writeFileSync(file, doc.toString());
  if (slipway(["apply", file], { quiet: true }).code !== 0) throw new Error(`applying ${file} failed`);
}

/**
 * dev's URL once something there serves traffic. Asked over HTTP, not with the CLI: starting a
 * CLI process takes longer than a first rolling deployment of hello, which would end unwatched.
 */
async function devUrl(): Promise<string | undefined> {
  const server = process.env.SLIPWAY_SERVER ?? "http://127.0.0.1:7070";
  const token = process.env.SLIPWAY_TOKEN ?? readFileSync(join(ROOT, ".slipway", "admin-token"), "utf8").trim();
  try {
    const res = await fetch(`${server}/api/v1/status?service=hello`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    const { environments } = (await res.json()) as { environments: { environment: string; url: string; weights: unknown[] }[] };
    const dev = environments.find((e) => e.environment === "dev");
    if (!dev || dev.weights.length === 0) return undefined;
    // The split is on the record a moment before the router listens on a new environment's
    // port: traffic starts once the URL itself answers, which is when dev serves.
    const answer = await fetch(dev.url, { signal: AbortSignal.timeout(2000) });
    await answer.body?.cancel();
    return answer.ok ? dev.url : undefined;
  } catch {
    return undefined;
  }
}

/** Steady traffic to dev from the moment it serves until `signal`; undefined if it never did. */
async function startLoadWhenServed(signal: AbortSignal): Promise<LoadResult | undefined> {
  while (!signal.aborted) {
    const url = await devUrl();
    if (url) return runLoad(url, { concurrency: 4, maxDurationMs: 120_000, signal });
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

async function runChapter(dir: string, chapter: Chapter): Promise<{ state: string; load: LoadResult | undefined }> {
  console.log(`\n=== ${chapter.title}: hello ${chapter.version} → dev (${String(chapter.strategy.type)}) ===`);
  applyVariant(dir, chapter);
  const controller = new AbortController();
  // On a fresh start dev has no URL until the first deployment creates its route: the
  // traffic starts the moment it appears, so the first chapter runs under traffic too.
  const load = startLoadWhenServed(controller.signal);
  const { stdout } = await slipwayAsync(["deploy", "hello", chapter.version, "--env", "dev", "--reason", `demo: ${chapter.title}`, "--wait", "--json"]);
  controller.abort();
  const detail = JSON.parse(stdout) as { deployment: { id: string; state: string } };
  slipway(["show", detail.deployment.id]);
  const loadResult = await load;
  if (loadResult) {
    console.log(`traffic during the deployment: ${loadResult.sent} requests, ${loadResult.failed} failed at the router${loadResult.failed ? ` (${Object.entries(loadResult.failures).map(([k, n]) => `${n}× ${k}`).join(", ")})` : ""}, ${loadResult.status5xx} answered 500 by the app`);
  }
  return { state: detail.deployment.state, load: loadResult };
}

async function main(): Promise<number> {
  if (slipway(["status", "--json"], { quiet: true }).code !== 0) {
    console.error("no control plane answered: start one with `npm start` in another terminal (or set SLIPWAY_SERVER)");
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "slipway-demo-"));
  try {
    for (const c of CHAPTERS) {
      const path = buildVersion(dir, c.version, c.failRate);
      if (slipway(["artifact", "push", path, "--service", "hello", "--version", c.version], { quiet: true }).code !== 0) return 1;
    }
    const outcomes = [];
    for (const c of CHAPTERS) outcomes.push({ chapter: c, ...(await runChapter(dir, c)) });
    slipway(["apply", join(HELLO, "slipway.yaml")], { quiet: true });
    console.log("\n=== summary ===");
    let ok = true;
    for (const o of outcomes) {
      // Every chapter runs under traffic (README); one that got none proves nothing about downtime.
      const good = o.state === o.chapter.expect && o.load !== undefined && o.load.sent > 0 && o.load.failed === 0;
      ok &&= good;
      console.log(`${good ? "ok  " : "FAIL"}  ${o.chapter.version} ${o.chapter.title}: ${o.state} (expected ${o.chapter.expect})${o.load ? `, ${o.load.failed} of ${o.load.sent} requests failed` : ", no traffic"}`);
    }
    slipway(["status", "hello"]);
    return ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
