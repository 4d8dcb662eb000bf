import { z } from "zod";
import { badInput } from "../core/index.js";
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from "../supply/index.js";

/**
 * What one request may cost the server. Defaults sit far above real use; each can be set
 * with an environment variable of `slipway server` (below) or in ApiOptions.limits.
 */
export interface ApiLimits {
  /** Body of routes that take a slipway.yaml (lint, apply). */
  configBodyBytes: number;
  /** Body of every other JSON route without a limit of its own. */
  jsonBodyBytes: number;
  /** Artifact archives: upload size and expansion. */
  archive: ArchiveLimits;
  /** Requests per second a token may sustain (its bucket refills at this rate). */
  ratePerSecond: number;
  /** Requests a token may send at once before the rate applies (the bucket's size). */
  rateBurst: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_API_LIMITS: ApiLimits = {
  configBodyBytes: 1 * MiB,
  jsonBodyBytes: 10 * MiB,
  archive: DEFAULT_ARCHIVE_LIMITS,
  ratePerSecond: 100,
  rateBurst: 1000,
};

/** Environment variable → the limit it sets. */
const ENV: Record<string, (l: ApiLimits, n: number) => void> = {
  SLIPWAY_MAX_CONFIG_BYTES: (l, n) => (l.configBodyBytes = n),
  SLIPWAY_MAX_JSON_BYTES: (l, n) => (l.jsonBodyBytes = n),
  SLIPWAY_MAX_ARTIFACT_BYTES: (l, n) => (l.archive.compressedBytes = n),
  SLIPWAY_MAX_ARTIFACT_EXPANDED_BYTES: (l, n) => (l.archive.expandedBytes = n),
  SLIPWAY_MAX_ARTIFACT_ENTRIES: (l, n) => (l.archive.entries = n),
  SLIPWAY_MAX_ARTIFACT_FILE_BYTES: (l, n) => (l.archive.entryBytes = n),
  SLIPWAY_MAX_ARTIFACT_PATH_BYTES: (l, n) => (l.archive.pathBytes = n),
  SLIPWAY_RATE_PER_SECOND: (l, n) => (l.ratePerSecond = n),
  SLIPWAY_RATE_BURST: (l, n) => (l.rateBurst = n),
};

const count = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The limits the environment sets over the defaults; a bad value is bad input naming the variable. */
export function limitsFromEnv(env: Record<string, string | undefined>): ApiLimits {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, archive: { ...DEFAULT_API_LIMITS.archive } };
  for (const [name, set] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const parsed = count.safeParse(raw);
    if (!parsed.success) throw badInput(`${name} must be a positive whole number, got "${raw}"`, { hint: `unset ${name} to use the default` });
    set(limits, parsed.data);
  }
  return limits;
}

/** Limits given in part, completed with the defaults. */
export function completeLimits(partial: Partial<ApiLimits> | undefined): ApiLimits {
  return { ...DEFAULT_API_LIMITS, ...partial, archive: { ...DEFAULT_API_LIMITS.archive, ...partial?.archive } };
}
