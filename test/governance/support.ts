/**
 * Shared pieces of the governance end-to-end tests: time strings for windows and freezes
 * relative to an injected clock, API tokens with roles created through the real token API,
 * and polling a deployment until it reaches a state (bounded; never a timing assertion).
 */
import type { Role } from "../../src/core/index.js";
import type { DeploymentDetail } from "../../src/engine/index.js";
import { Api, summarize, waitFor } from "../helpers/http.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

const pad = (n: number) => String(n).padStart(2, "0");

/** The next whole minute at or after `ms`. */
export const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE) * MINUTE;

/** `2026-07-01T09:00` in UTC. */
export function utcMinute(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A slipway.yaml freeze from `start` to `end` (UTC, whole minutes), with a reason. */
export function freeze(start: number, end: number, reason: string): { range: string; reason: string } {
  return { range: `${utcMinute(start)}..${utcMinute(end)} UTC`, reason };
}

/** A daily allow window `HH:MM-HH:MM UTC` from `start` to `end` (whole minutes, under 24 h apart). */
export function dailyWindow(start: number, end: number): string {
  const hm = (ms: number, isEnd: boolean) => {
    const d = new Date(ms);
    const text = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return isEnd && text === "00:00" ? "24:00" : text;
  };
  return `daily ${hm(start, false)}-${hm(end, true)} UTC`;
}

/** Creates a token through POST /tokens (as the admin) and returns a client that uses it. */
export async function tokenApi(admin: Api, name: string, role: Role, extra: { grants?: string[]; service?: string; environment?: string } = {}): Promise<Api> {
  const created = await admin.ok<{ token: string }>("POST", "/tokens", { name, role, ...extra });
  return new Api(admin.url, created.token);
}

/** Polls a deployment until `check` accepts its detail; the timeout names what it waited for and where it was. */
export async function waitForDetail(api: Api, id: string, what: string, check: (d: DeploymentDetail) => boolean, timeoutMs = 60_000): Promise<DeploymentDetail> {
  let last: DeploymentDetail | undefined;
  try {
    return await waitFor(
      `${id}: ${what}`,
      async () => {
        last = await api.show(id);
        return check(last) ? last : undefined;
      },
      timeoutMs,
      150,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${last ? `${summarize(last)} waiting_for=${last.deployment.waitingFor}` : "nothing"}`);
  }
}

/** Waits until a deployment is in `state`. */
export const waitForState = (api: Api, id: string, state: string, timeoutMs?: number) =>
  waitForDetail(api, id, `state ${state}`, (d) => d.deployment.state === state, timeoutMs);

/** The audit actions of a deployment's timeline, in order. */
export const actionsOf = (d: DeploymentDetail) => d.timeline.map((e) => e.action);

/** The shape GET /gates answers (the dry-run report). */
export interface GatesView {
  passed: boolean;
  verdict: "pass" | "wait" | "refuse";
  digest: string;
  waitingFor: string | null;
  gates: { gate: string; passed: boolean; outcome: string; facts: string; remedy?: string; overridden?: boolean }[];
}

export const gatesQuery = (service: string, environment: string, version: string) =>
  `/gates?${new URLSearchParams({ service, environment, version })}`;
