import { readFileSync } from "node:fs";
import { badInput, formatProblems, parseNotificationsFile, type NotificationsConfig } from "../core/index.js";
import type { DeliverySettings } from "./deliver.js";

/** Reads and checks a server-wide notifications file; a bad one is bad input, before anything starts. */
export function loadNotificationsFile(path: string): NotificationsConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw badInput(`cannot read notifications file ${path}: ${(err as Error).message}`, { hint: "pass an existing YAML file with destinations and routes" });
  }
  const { config, errors } = parseNotificationsFile(text, path);
  if (!config) {
    throw badInput(`notifications file ${path} has ${errors.length} error${errors.length === 1 ? "" : "s"}:\n${formatProblems({ errors, warnings: [] }).join("\n")}`, {
      details: errors,
      hint: "see docs/notifications.md for destinations and routes",
    });
  }
  return config;
}

/**
 * Delivery settings from the environment: SLIPWAY_NOTIFY_BACKOFF_MS (first retry delay),
 * SLIPWAY_NOTIFY_MAX_ATTEMPTS and SLIPWAY_NOTIFY_TIMEOUT_MS (per request). The lease on a row
 * outlasts a request, so a slow receiver is not sent to twice by two instances.
 */
export function deliverySettingsFromEnv(env: Record<string, string | undefined>): Partial<DeliverySettings> {
  const out: Partial<DeliverySettings> = {};
  const backoff = positive(env, "SLIPWAY_NOTIFY_BACKOFF_MS");
  const attempts = positive(env, "SLIPWAY_NOTIFY_MAX_ATTEMPTS");
  const timeout = positive(env, "SLIPWAY_NOTIFY_TIMEOUT_MS");
  if (backoff !== undefined) out.backoffBaseMs = backoff;
  if (attempts !== undefined) out.maxAttempts = attempts;
  if (timeout !== undefined) {
    out.timeoutMs = timeout;
    out.leaseMs = Math.round(timeout * 1.5) + 1_000;
  }
  return out;
}

function positive(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badInput(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}
