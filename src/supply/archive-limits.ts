import { z } from "zod";

/**
 * Bounds on an artifact archive, enforced while it streams (the upload, and every read of
 * it): far above what a real service ships, so only a bomb or a mistake meets them.
 */
export interface ArchiveLimits {
  /** Bytes of the archive as sent (compressed). */
  compressedBytes: number;
  /** Bytes of all entries together once expanded. */
  expandedBytes: number;
  /** Files, directories and links. */
  entries: number;
  /** Bytes of one entry's path. */
  pathBytes: number;
  /** Bytes of one file. */
  entryBytes: number;
}

const GiB = 1024 * 1024 * 1024;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  compressedBytes: 2 * GiB,
  expandedBytes: 4 * GiB,
  entries: 200_000,
  pathBytes: 4096,
  entryBytes: 2 * GiB,
};

const positive = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const archiveLimitsSchema = z.strictObject({
  compressedBytes: positive,
  expandedBytes: positive,
  entries: positive,
  pathBytes: positive,
  entryBytes: positive,
});

let current: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS;

/**
 * Sets the limits every later archive check of this process uses (the server's configured
 * ones, at start-up), so the unpack at deploy time accepts what the push accepted.
 */
export function setArchiveLimits(limits: Partial<ArchiveLimits>): ArchiveLimits {
  current = archiveLimitsSchema.parse({ ...DEFAULT_ARCHIVE_LIMITS, ...limits });
  return current;
}

export function archiveLimits(): ArchiveLimits {
  return current;
}

/** 1536 → "1.5 KiB"; for messages about limits. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
