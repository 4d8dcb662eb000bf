/**
 * The route table on disk, so a restarted daemon serves the same routes before the control
 * plane says anything. The per-version counters live in their own file (stats-file.ts): they
 * change with every request, the table only when the control plane changes it.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { RouterLogger } from "./logger.js";
import { parseOrThrow, stateFileSchema } from "./schema.js";
import type { Route } from "./types.js";

/**
 * Reads the persisted routes; a missing file is an empty table. An unreadable file is moved
 * aside (not deleted) and the router starts empty: the control plane re-applies its routes.
 */
export async function readState(path: string, logger: RouterLogger): Promise<Route[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    return parseOrThrow(stateFileSchema, JSON.parse(text), "router state file").routes;
  } catch (err) {
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    logger.error({ path, movedTo: aside, err: (err as Error).message }, "router state file unreadable; starting with no routes");
    return [];
  }
}

/** Writes the table atomically: a complete temporary file, flushed, then renamed over the old one. */
export async function writeState(path: string, routes: Route[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, "w", 0o600);
  try {
    await file.writeFile(`${JSON.stringify({ version: 1, routes }, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}
