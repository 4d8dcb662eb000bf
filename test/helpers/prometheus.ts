/**
 * A real Prometheus server for tests (Debian's `prometheus` package): started on a free port of
 * 127.0.0.1 with a temporary config and storage directory, scraping every second, stopped
 * (and its files removed) by `stop`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { findFreePort } from "../../src/net/index.js";
import { waitFor } from "./http.js";

export interface ScrapeJob {
  name: string;
  /** "127.0.0.1:PORT" */
  target: string;
  path?: string;
  /** A bearer token, written to a file the config names (never into the config). */
  token?: string;
}

export interface PrometheusServer {
  url: string;
  /** An instant query's result vector. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(jobs: ScrapeJob[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-prom-"));
  const port = await findFreePort("127.0.0.1");
  const scrapeConfigs = await Promise.all(
    jobs.map(async (job) => {
      const config: Record<string, unknown> = { job_name: job.name, metrics_path: job.path ?? "/metrics", static_configs: [{ targets: [job.target] }] };
      if (job.token) {
        const file = join(dir, `${job.name}.token`);
        await writeFile(file, job.token, { mode: 0o600 });
        config.authorization = { type: "Bearer", credentials_file: file };
      }
      return config;
    }),
  );
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, YAML.stringify({ global: { scrape_interval: "1s", scrape_timeout: "900ms", evaluation_interval: "1s" }, scrape_configs: scrapeConfigs }));
  const log = createWriteStream(join(dir, "prometheus.log"));
  const child: ChildProcess = spawn("prometheus", [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.SLIPWAY_KEEP_TEST_DATA) await rm(dir, { recursive: true, force: true });
    else console.error(`kept ${dir}`);
  };
  try {
    await waitFor("Prometheus to be ready", async () => {
      if (exited) throw new Error(`prometheus exited; see ${join(dir, "prometheus.log")}`);
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    }, 30_000, 100);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    stop,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== "success") throw new Error(`Prometheus query ${promql} failed: ${body.error}`);
      return body.data.result;
    },
  };
}
