import type { DeploymentDetail } from "../engine/index.js";
import { apiRequest, type ApiTarget } from "./api-client.js";
import { clockTime } from "./output.js";

interface StreamEvent {
  seq: number;
  at: number;
  actor: string;
  action: string;
  payload: Record<string, unknown>;
}

/**
 * Follows a deployment's SSE stream, printing each event, until it ends. Reconnects (with
 * Last-Event-ID, so nothing is missed or repeated) when the server restarts mid-way.
 */
export async function followDeployment(target: ApiTarget, id: string, out: NodeJS.WritableStream): Promise<DeploymentDetail> {
  let lastSeq = 0;
  for (let failures = 0; failures < 120; ) {
    try {
      const ended = await readStream(target, id, lastSeq, (e) => {
        lastSeq = e.seq;
        out.write(formatEvent(e) + "\n");
      });
      if (ended) return apiRequest<DeploymentDetail>(target, "GET", `/deployments/${id}`);
      failures = 0;
    } catch {
      failures++; // server restarting: try again shortly
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return apiRequest<DeploymentDetail>(target, "GET", `/deployments/${id}`);
}

async function readStream(target: ApiTarget, id: string, afterSeq: number, onEvent: (e: StreamEvent) => void): Promise<boolean> {
  const response = await fetch(new URL(`/api/v1/deployments/${id}/events`, target.server), {
    headers: { accept: "text/event-stream", "last-event-id": String(afterSeq), ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) },
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let split: number;
    while ((split = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === "end") return true;
      if (data) onEvent(JSON.parse(data) as StreamEvent);
    }
  }
  return false;
}

/** One line per event: time, what happened, the facts that matter. */
export function formatEvent(e: StreamEvent): string {
  const p = e.payload ?? {};
  const time = clockTime(e.at).slice(11);
  switch (e.action) {
    case "step.started":
      return `${time}  step ${Number(p.idx) + 1}: ${describeStep(p)}…`;
    case "step.done":
      return `${time}  step ${Number(p.idx) + 1}: ${describeStep(p)} done`;
    case "analysis.evaluated": {
      const decisions = (p.decisions as { check: string; verdict: string; reason: string }[] | undefined) ?? [];
      return `${time}  analysis: ${decisions.map((x) => (x.verdict === "pass" ? `${x.check} pass` : `${x.check} ${x.verdict} (${x.reason})`)).join("; ")}`;
    }
    case "traffic.shifted":
      return `${time}  traffic: ${(p.weights as { version: string; weight: number }[]).map((w) => `${w.version} ${w.weight}%`).join(", ")}`;
    case "gate.evaluated": {
      const gates = (p.gates as { gate: string; passed: boolean; facts: string }[] | undefined) ?? [];
      const failing = gates.filter((g) => !g.passed);
      return `${time}  gates ${String(p.verdict)}${failing.length ? `: ${failing.map((g) => `${g.gate}: ${g.facts}`).join("; ")}` : ` (${gates.map((g) => g.gate).join(", ")})`}`;
    }
    case "deployment.held":
      return `${time}  held: ${String(p.reason)}`;
    case "approval.recorded":
      return `${time}  ${String(p.decision) === "approve" ? "approved" : "rejected"} by ${e.actor}${p.comment ? `: ${String(p.comment)}` : ""}`;
    case "traffic.restored":
      return `${time}  ${p.via ? `restored by the ${String(p.via)} command` : "traffic restored"} to ${p.version ?? "nothing (first deployment)"}`;
    case "script.ran": {
      const attempts = (p.attempts as { exitCode: number | null; signal: string | null; timedOut: boolean }[] | undefined) ?? [];
      const last = attempts[attempts.length - 1];
      const end = last?.timedOut ? "timed out" : last?.signal ? `killed by ${last.signal}` : `exit ${last?.exitCode}`;
      return `${time}  ${String(p.command)} command: ${String(p.outcome)} (${end}${attempts.length > 1 ? `, ${attempts.length} attempts` : ""})`;
    }
    case "script.leftover":
      return `${time}  a ${String(p.what) === "waited" ? "command left running on another node was waited out" : `command left running by a stopped server: ${String(p.what)}`}`;
    default:
      if (e.action.startsWith("deployment.")) {
        const state = e.action.slice("deployment.".length);
        return `${time}  ${state}${p.error ? `: ${String(p.error)}` : ""}${e.actor !== "slipway" ? ` (by ${e.actor})` : ""}`;
      }
      return `${time}  ${e.action}`;
  }
}

export function describeStep(p: Record<string, unknown>): string {
  switch (p.kind) {
    case "start":
      return `start ${p.count} replica(s)`;
    case "wait_ready":
      return "wait until ready";
    case "verify":
      return p.via === "router" ? "verify through the router" : p.via === "script" ? "verify (probes at target.url, smoke, the verify command)" : "verify the new replicas";
    case "script":
      return p.command === "status" ? "wait until the status command says ready" : `run the ${String(p.command)} command`;
    case "shift":
      return `shift ${p.weight}% of traffic`;
    case "analyse":
      return `analyse for ${Math.round(Number(p.pauseMs) / 1000)}s`;
    case "stop_old":
      return Number(p.keep) === 0 ? "drain and stop the old version" : `stop old replicas down to ${p.keep}`;
    case "finalize":
      return "record the new version";
    default:
      return String(p.kind);
  }
}
