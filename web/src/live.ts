/**
 * Live events of one deployment over server-sent events. EventSource cannot send the token, so
 * each connection first trades it for a 60-second ticket (POST …/events/ticket) that the events
 * route alone accepts; a connection that drops after its ticket expired gets a fresh ticket and
 * resumes after the last event seen (?after=), so nothing is missed and nothing is polled.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "./api";
import type { TimelineEvent } from "./types";

const STATES = ["queued", "awaiting_approval", "running", "verifying", "succeeded", "rolling_back", "rolled_back", "rollback_failed", "failed", "cancelled", "rejected"];
/** Named SSE events (the stream names each event by its audit action); EventSource needs each name. */
const ACTIONS = [
  ...STATES.map((s) => `deployment.${s}`),
  "deployment.created",
  "deployment.held",
  "deployment.resumed",
  "deployment.cancel_requested",
  "deployment.override",
  "gate.evaluated",
  "approval.recorded",
  "step.started",
  "step.done",
  "traffic.shifted",
  "traffic.restored",
  "analysis.evaluated",
];

export type LiveStatus = "connecting" | "live" | "reconnecting" | "ended" | "off";

export function useDeploymentEvents(id: string, fromSeq: number | null, enabled: boolean, onEvent: (e: TimelineEvent) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(enabled ? "connecting" : "off");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!enabled || fromSeq === null) {
      setStatus(enabled ? "connecting" : "off");
      return;
    }
    let lastSeq = fromSeq;
    let source: EventSource | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const connect = async () => {
      try {
        const { ticket } = await api<{ ticket: string }>("POST", `/deployments/${encodeURIComponent(id)}/events/ticket`);
        if (stopped) return;
        source = new EventSource(`/api/v1/deployments/${encodeURIComponent(id)}/events?ticket=${encodeURIComponent(ticket)}&after=${lastSeq}`);
        source.onopen = () => {
          failures = 0;
          setStatus("live");
        };
        const receive = (m: MessageEvent<string>) => {
          const e = JSON.parse(m.data) as TimelineEvent;
          if (e.seq <= lastSeq) return;
          lastSeq = e.seq;
          handler.current(e);
        };
        for (const a of ACTIONS) source.addEventListener(a, receive as EventListener);
        source.addEventListener("end", () => {
          setStatus("ended");
          stopped = true;
          source?.close();
        });
        source.onerror = () => {
          if (stopped) return;
          if (source?.readyState === EventSource.CLOSED) reconnect();
          else setStatus("reconnecting");
        };
      } catch {
        reconnect();
      }
    };
    const reconnect = () => {
      source?.close();
      setStatus("reconnecting");
      failures++;
      retry = setTimeout(() => void connect(), Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [id, enabled, fromSeq === null]);
  return status;
}
