/** A small client for the Slipway API as the tests use it: real HTTP, bearer token, status kept. */
import { isTerminal, type DeploymentState } from "../../src/core/index.js";
import type { DeploymentDetail } from "../../src/engine/index.js";

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  /** Calls `/api/v1${path}`; a Buffer body goes as application/gzip, anything else as JSON. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const raw = Buffer.isBuffer(body);
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": raw ? "application/gzip" : "application/json" }),
      },
      body: body === undefined ? undefined : raw ? (body as Buffer) : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as T, text };
  }

  /** Like call(), but throws unless the status is 2xx. */
  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 2000)}`);
    return answer.body;
  }

  async apply(yamlText: string, file = "slipway.yaml"): Promise<void> {
    await this.ok("POST", "/services", { yaml: yamlText, file });
  }

  /** Starts a deployment and returns its id. */
  async deploy(service: string, environment: string, version: string): Promise<string> {
    const { deployment } = await this.ok<{ deployment: { id: string } }>("POST", "/deployments", { service, environment, version });
    return deployment.id;
  }

  show(id: string): Promise<DeploymentDetail> {
    return this.ok<DeploymentDetail>("GET", `/deployments/${id}`);
  }

  /** The router URL an environment serves on (known once it was deployed to). */
  async routerUrl(service: string, environment: string): Promise<string> {
    const { environments } = await this.ok<{ environments: { service: string; environment: string; url: string }[] }>("GET", `/status?service=${service}`);
    const env = environments.find((e) => e.environment === environment);
    if (!env) throw new Error(`no status row for ${service}/${environment}`);
    return env.url;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value other than undefined; throws with `what` after
 * `timeoutMs`. Errors thrown by `check` count as "not yet" (a server that is restarting).
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    }
    await sleep(intervalMs);
  }
}

/** Polls GET /deployments/:id until the deployment reaches a terminal state; returns its detail. */
export function waitForEnd(api: Api | (() => Api), id: string, timeoutMs = 90_000): Promise<DeploymentDetail> {
  const current = typeof api === "function" ? api : () => api;
  return waitFor(
    `deployment ${id} to end`,
    async () => {
      const detail = await current().show(id);
      return isTerminal(detail.deployment.state as DeploymentState) ? detail : undefined;
    },
    timeoutMs,
    200,
  );
}

/** A short summary of a deployment for assertion messages. */
export function summarize(detail: DeploymentDetail): string {
  const d = detail.deployment;
  const steps = detail.steps.map((s) => `${s.idx}:${s.params.kind}=${s.state}`).join(" ");
  return `${d.id} ${d.service}/${d.environment} ${d.version}: ${d.state}${d.error ? ` (${d.error})` : ""} [${steps}]`;
}

/** Reads a finished deployment's whole SSE stream (it ends with `event: end`) and returns the raw text. */
export async function readEventStream(api: Api, id: string, timeoutMs = 30_000): Promise<string> {
  const response = await fetch(`${api.url}/api/v1/deployments/${id}/events`, {
    headers: { authorization: `Bearer ${api.token}`, accept: "text/event-stream" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok || !response.body) throw new Error(`events of ${id}: HTTP ${response.status}`);
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (/^event: end$/m.test(text)) break;
  }
  return text;
}
