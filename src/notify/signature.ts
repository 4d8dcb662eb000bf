import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Generic webhooks are signed like Stripe's: `Slipway-Signature: t=<unix seconds>,v1=<hex>`,
 * where v1 is HMAC-SHA256 over `<t>.<raw body>` with the destination's key. The timestamp is
 * inside the MAC, so a receiver that refuses old timestamps refuses replays.
 */
export const SIGNATURE_HEADER = "slipway-signature";
/** How old a signature a receiver should accept, by default (seconds). */
export const DEFAULT_TOLERANCE_S = 300;

export function signPayload(key: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", key).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a `Slipway-Signature` header against the raw body: well formed, a v1 MAC that matches
 * (compared in constant time), and a timestamp within `toleranceS` of `nowS`.
 */
export function verifySignature(header: string | undefined, body: string, key: string, nowS: number, toleranceS = DEFAULT_TOLERANCE_S): SignatureCheck {
  if (!header) return { ok: false, reason: "no Slipway-Signature header" };
  const parts = new Map<string, string[]>();
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const k = item.slice(0, eq).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(t)) return { ok: false, reason: "the signature has no timestamp t=" };
  if (Math.abs(nowS - t) > toleranceS) return { ok: false, reason: `the signature's timestamp is ${Math.abs(nowS - t)} s away from now (tolerance ${toleranceS} s)` };
  const expected = Buffer.from(createHmac("sha256", key).update(`${t}.${body}`).digest("hex"), "utf8");
  const matches = (parts.get("v1") ?? []).some((v) => {
    const given = Buffer.from(v, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp: t } : { ok: false, reason: "no v1 signature matches the body" };
}
