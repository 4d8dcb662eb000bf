/** Human-readable output of a triage. */
import type { ClusterInfo } from "./store.js";
import type { TriageResult } from "./types.js";

function clusterLine(c: ClusterInfo): string {
  if (c.isNew || c.occurrences <= 1) return "first time seen";
  const since = new Date(c.firstSeenAt).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  const where = c.pipelines > 0 ? ` in ${c.pipelines} pipeline${c.pipelines === 1 ? "" : "s"}` : "";
  return `seen ${c.occurrences} times${where} since ${since}${c.firstRun ? `, first in run ${c.firstRun}` : ""}`;
}

/** The triage as people read it: category, confidence, evidence with line numbers, cause, next step, cluster. */
export function formatTriage(result: TriageResult & { cluster?: ClusterInfo }): string {
  const out: string[] = [];
  out.push(`Category:   ${result.categoryLabel} (confidence ${result.confidence.toFixed(2)})`);
  out.push(`Cause:      ${result.cause}`);
  out.push(`Next step:  ${result.next}`);
  out.push(`Flaky:      ${result.flaky.verdict === "flaky" ? "probably intermittent" : "probably real"} (p=${result.flaky.probability.toFixed(2)}; ${result.flaky.reasons.join("; ")})`);
  if (result.failingStep) out.push(`Step:       ${result.failingStep}`);
  const ranges = result.ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(",");
  out.push(`Lines:      ${ranges || "(none)"} of ${result.stats.lines}`);
  // Results recorded before explanations existed have none.
  for (const [i, why] of (result.why as string[] | undefined ?? []).entries()) out.push(`${i === 0 ? "Why:       " : "           "} ${why}`);
  if (result.evidence.length > 0) {
    const width = String(result.evidence[result.evidence.length - 1]?.line ?? 0).length;
    let prev = 0;
    out.push("Evidence:");
    for (const e of result.evidence) {
      if (prev !== 0 && e.line > prev + 1) out.push(`  ${" ".repeat(width)} ...`);
      const mark = result.topLine?.line === e.line ? ">" : " ";
      out.push(`${mark} ${String(e.line).padStart(width)} | ${e.text}`);
      prev = e.line;
    }
  }
  if (result.cluster) out.push(`Cluster:    ${clusterLine(result.cluster)} [${result.cluster.signature}]`);
  else out.push(`Signature:  ${result.signature.hash}`);
  return out.join("\n") + "\n";
}
