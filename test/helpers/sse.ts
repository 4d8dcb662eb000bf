import type { Api } from "./http.js";

export interface StreamedEvent {
  seq: number;
  action: string;
  payload: Record<string, unknown>;
}

export interface Follower {
  events: StreamedEvent[];
  /** How many times it had to connect again (to the same or the next server). */
  reconnects: number;
  /** The `end` event's data once the stream ended. */
  end: Promise<{ state: string; error: string | null }>;
  stop(): void;
}

/**
 * Follows a deployment's SSE stream as a client would: from the first server, and when that
 * connection breaks, from the next one (round robin), resuming with Last-Event-ID.
 */
export function followDeployment(servers: (() => Api)[], id: string, timeoutMs = 180_000): Follower {
  const events: StreamedEvent[] = [];
  const controller = new AbortController();
  const follower: Follower = { events, reconnects: 0, end: Promise.resolve({ state: "", error: null }), stop: () => controller.abort() };
  follower.end = (async () => {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; Date.now() < deadline; i++) {
      const api = servers[i % servers.length]!();
      try {
        const end = await readOnce(api, id, events, controller.signal);
        if (end) return end;
      } catch (err) {
        if (controller.signal.aborted) throw err;
      }
      follower.reconnects++;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the stream of ${id} did not end in ${timeoutMs} ms`);
  })();
  return follower;
}

async function readOnce(api: Api, id: string, events: StreamedEvent[], signal: AbortSignal): Promise<{ state: string; error: string | null } | undefined> {
  const lastSeq = events.at(-1)?.seq ?? 0;
  const response = await fetch(`${api.url}/api/v1/deployments/${id}/events`, {
    headers: { authorization: `Bearer ${api.token}`, accept: "text/event-stream", "last-event-id": String(lastSeq) },
    signal,
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
      if (!event || !data) continue;
      if (event === "end") return JSON.parse(data) as { state: string; error: string | null };
      events.push(JSON.parse(data) as StreamedEvent);
    }
  }
  return undefined;
}
