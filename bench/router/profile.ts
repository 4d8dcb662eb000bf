/**
 * Reads a V8 .cpuprofile (written by `node --cpu-prof`) and lists where the time went, by self
 * time. The file itself opens as a flame graph in Chrome DevTools (Performance) or speedscope.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { PACKAGE_ROOT } from "../../src/cli/control-plane.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface Hotspot {
  where: string;
  share: number;
}

/** The newest .cpuprofile in `dir`, summarised: the `top` functions by self time, and the idle share. */
export async function hotspots(dir: string, top = 15): Promise<{ file: string; idle: number; spots: Hotspot[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  const file = files.at(-1);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as { nodes: ProfileNode[] };
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") idle += hits;
    const source = url.startsWith("file://") ? relative(PACKAGE_ROOT, new URL(url).pathname) : url.replace(/^node:/, "node:");
    const where = `${functionName || "(anonymous)"} ${source ? `${source}:${lineNumber + 1}` : ""}`.trim();
    byPlace.set(where, (byPlace.get(where) ?? 0) + hits);
  }
  const spots = [...byPlace.entries()]
    .filter(([where]) => !where.startsWith("(idle)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, hits]) => ({ where, share: hits / Math.max(1, total - idle) }));
  return { file: join(dir, file), idle: idle / Math.max(1, total), spots };
}
