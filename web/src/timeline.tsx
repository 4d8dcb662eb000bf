/** A deployment's audit events as sentences a person follows: plan, steps, weights, verdicts, approvals, holds, rollback. */
import { useEffect, useRef } from "react";
import type { TimelineEvent } from "./types";
import { Badge, clock } from "./ui";

interface GateLike {
  gate: string;
  passed: boolean;
  facts: string;
}
type P = Record<string, unknown>;

const weights = (w: unknown) => (Array.isArray(w) ? (w as { version: string; weight: number }[]).map((x) => `${x.version} ${x.weight}%`).join(" · ") : "");

function stepText(p: P): string {
  switch (p.kind) {
    case "start":
      return `start ${p.count} replica(s)`;
    case "shift":
      return `shift traffic to ${p.weight}%`;
    case "analyse":
      return `analyse for ${typeof p.pauseMs === "number" ? `${Math.round(p.pauseMs / 1000)} s` : "the pause"}`;
    default:
      return String(p.kind ?? "step").replace(/_/g, " ");
  }
}

export function describe(e: TimelineEvent): { text: string; tone?: string; detail?: string } {
  const p = (e.payload ?? {}) as P;
  const [kind, what] = e.action.split(".");
  if (kind === "deployment" && what) {
    if (what === "created") return { text: `created by ${e.actor}` };
    if (what === "held") return { text: `held: ${p.reason ?? "a gate says wait"}`, tone: "warn" };
    if (what === "resumed") return { text: "resumed" };
    if (what === "cancel_requested") return { text: `cancel requested by ${e.actor}`, tone: "warn" };
    if (what === "override") return { text: `windows overridden by ${e.actor}: ${p.reason ?? ""}`, tone: "warn" };
    const error = typeof p.error === "string" ? p.error : undefined;
    return { text: `state → ${what.replace(/_/g, " ")}`, tone: what, detail: error };
  }
  switch (e.action) {
    case "step.started":
      return { text: `step ${Number(p.idx) + 1} started: ${stepText(p)}` };
    case "step.done":
      return { text: `step ${Number(p.idx) + 1} done: ${stepText(p)}`, tone: "done" };
    case "traffic.shifted":
      return { text: `traffic: ${weights(p.weights)}` };
    case "traffic.restored":
      return { text: `traffic restored: ${weights((p as P).weights) || "what ran before"}`, tone: "warn" };
    case "gate.evaluated": {
      const gates = (Array.isArray(p.gates) ? p.gates : []) as GateLike[];
      return { text: `gates: ${String(p.verdict)}`, tone: String(p.verdict), detail: gates.map((g) => `${g.passed ? "✓" : "✕"} ${g.gate}: ${g.facts}`).join("\n") };
    }
    case "approval.recorded":
      return { text: `${p.decision === "reject" ? "rejected" : "approved"} by ${e.actor} (${String(p.role)})${p.comment ? `: “${String(p.comment)}”` : ""}`, tone: p.decision === "reject" ? "fail" : "pass" };
    case "analysis.evaluated": {
      const ds = (Array.isArray(p.decisions) ? p.decisions : []) as { check: string; verdict: string; reason: string; numbers: { value: number | null } }[];
      const worst = ds.find((d) => d.verdict === "fail") ?? ds.find((d) => d.verdict === "inconclusive") ?? ds[0];
      return { text: `analysis: ${ds.map((d) => `${d.check} ${d.verdict}`).join(", ")}`, tone: worst?.verdict, detail: ds.map((d) => d.reason).join("\n") };
    }
    default:
      return { text: e.action };
  }
}

export function Timeline({ events }: { events: TimelineEvent[] }) {
  // Follow the newest event, as a log does, unless the reader scrolled up.
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = list.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [events.length]);
  return (
    <ol className="timeline" aria-label="Timeline" tabIndex={0} ref={list} onScroll={(e) => (pinned.current = e.currentTarget.scrollTop + e.currentTarget.clientHeight >= e.currentTarget.scrollHeight - 8)}>
      {events.map((e) => {
        const d = describe(e);
        return (
          <li key={e.seq} className={`tl-${d.tone ?? "none"}`} data-action={e.action}>
            <time className="tl-time" dateTime={new Date(e.at).toISOString()}>
              {clock(e.at)}
            </time>
            <div className="tl-body">
              <div>
                {d.tone && ["pass", "fail", "inconclusive", "wait", "refuse", "succeeded", "rolled_back", "failed", "rolling_back", "awaiting_approval"].includes(d.tone) && <Badge value={d.tone} />} {d.text}
              </div>
              {d.detail && <pre className="tl-detail">{d.detail}</pre>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
