/**
 * The per-version counters on disk, so a restarted router (kill -9 included) goes on counting
 * from where it was and analysis never sees a counter go backwards mid-canary. The file is
 * rewritten before every stats answer (so any value the control plane has read survives a
 * crash) and about once a second while traffic flows. Written atomically (temporary file, then
 * rename) without fsync: that survives the process dying, which is what restarts are; a
 * machine that loses power restarts the canary's replicas and the control plane too.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { VersionStats } from "../core/index.js";
import type { RouterLogger } from "./logger.js";
import { parseOrThrow } from "./schema.js";

const count = z.number().int().min(0);
const versionStatsSchema = z.object({
  version: z.string().min(1),
  requests: count,
  statusClasses: z.object({ "2xx": count, "3xx": count, "4xx": count, "5xx": count, error: count }),
  latencyBuckets: z.array(count),
});

const statsFileSchema = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  routes: z.record(z.string(), z.array(versionStatsSchema)),
});

/** Counters by route key. */
export type SavedStats = Map<string, VersionStats[]>;

/** Reads saved counters; a missing file is none; an unreadable one is moved aside and logged. */
export async function readStatsFile(path: string, logger: RouterLogger): Promise<SavedStats> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
  try {
    const parsed = parseOrThrow(statsFileSchema, JSON.parse(text), "router stats file");
    return new Map(Object.entries(parsed.routes));
  } catch (err) {
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    logger.error({ path, movedTo: aside, err: (err as Error).message }, "router stats file unreadable; counters start at zero");
    return new Map();
  }
}

/**
 * Writes counters one write at a time. `save()` resolves once the counters as they were when it
 * was called are on disk; calls that arrive during a write share the next one.
 */
export class StatsWriter {
  readonly #path: string;
  readonly #collect: () => Record<string, VersionStats[]>;
  #chain: Promise<void> = Promise.resolve();
  /** A write queued but not started: it will collect the counters when it starts, so it serves any caller. */
  #pending: Promise<void> | undefined;

  constructor(path: string, collect: () => Record<string, VersionStats[]>) {
    this.#path = path;
    this.#collect = collect;
  }

  save(): Promise<void> {
    if (this.#pending) return this.#pending;
    const pending = this.#chain.then(() => {
      this.#pending = undefined;
      return this.#write();
    });
    this.#pending = pending;
    this.#chain = pending.catch(() => undefined);
    return pending;
  }

  async #write(): Promise<void> {
    const routes = this.#collect();
    await mkdir(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, savedAt: Date.now(), routes }), { mode: 0o600 });
    await rename(tmp, this.#path);
  }
}
