/**
 * Triage with memory: what the API does for a failed run (few-shot from confirmed examples of the
 * pipeline, flaky history of the cluster, recording the occurrence) and for a confirmation.
 */
import { badInput, notFound } from "../core/errors.js";
import type { Store } from "../store/index.js";
import { confirmedExample } from "./anchors.js";
import { applyHistory } from "./classify.js";
import { splitLines } from "./lines.js";
import { linesFromEvidence, parseRanges } from "./ranges.js";
import { examplesFor, historyOf, occurrenceOfRun, recordOccurrence, saveExample, type ClusterInfo } from "./store.js";
import { triageLogOffThread } from "./off-thread.js";
import type { LogSource } from "./triage.js";
import type { ConfirmedExample, EvidenceLine, LineRange, RuleSpec, TriageResult } from "./types.js";

/** A triage result with its cluster. */
export type RecordedTriage = TriageResult & { cluster: ClusterInfo };

/** Input of {@link triageRun}. */
export interface TriageRunInput {
  log: LogSource;
  passLog?: LogSource;
  pipeline?: string;
  run?: string;
  rules?: readonly RuleSpec[];
  now: number;
}

/** Triages a failed run, learning from the pipeline's confirmed examples, and records it. */
export async function triageRun(store: Store, input: TriageRunInput): Promise<RecordedTriage> {
  const examples = input.pipeline ? await examplesFor(store, input.pipeline, { exceptRun: input.run }) : [];
  let result = await triageLogOffThread(input.log, { passLog: input.passLog, examples, rules: input.rules });
  const history = await historyOf(store, result);
  if (history) result = { ...result, flaky: applyHistory(result.flaky, history) };
  const cluster = await recordOccurrence(store, result, { pipeline: input.pipeline, run: input.run, now: input.now });
  return { ...result, cluster };
}

/** Input of {@link confirmRun}. */
export interface ConfirmInput {
  run: string;
  lines: string | LineRange[];
  pipeline?: string;
  /** The run's log, needed when the confirmed lines are not among its recorded evidence. */
  log?: string;
  /** The person's verdict on intermittency, if given. */
  flaky?: boolean;
  now: number;
}

/** Records the right lines for a run, so later failures of its pipeline use them (few-shot). */
export async function confirmRun(store: Store, input: ConfirmInput): Promise<{ id: string; pipeline: string; run: string; ranges: LineRange[]; lines: string[] }> {
  const ranges = typeof input.lines === "string" ? parseRanges(input.lines) : input.lines;
  const occ = await occurrenceOfRun(store, input.run);
  const pipeline = input.pipeline ?? occ?.pipeline ?? undefined;
  if (!pipeline) {
    throw (occ ? badInput : notFound)(`no pipeline known for run "${input.run}"`, { hint: "pass --pipeline P (or triage the run with its pipeline first)" });
  }
  let example: ConfirmedExample | undefined;
  if (input.log !== undefined) {
    const all = splitLines(input.log);
    // With the log at hand, the lines around the chunk are recorded too: later runs find it by them.
    example = confirmedExample(all, ranges);
    if (example.lines.length === 0) throw badInput(`lines ${ranges.map((r) => `${r.start}-${r.end}`).join(",")} are past the end of the log (${all.length} lines)`);
  } else if (occ) {
    const lines = linesFromEvidence(ranges, JSON.parse(occ.evidence_json) as EvidenceLine[]);
    if (lines) example = { lines };
  }
  if (!example) {
    throw badInput(`the confirmed lines of run "${input.run}" are not among its recorded evidence`, { hint: "send the run's log with the confirmation (slipway triage confirm RUN --lines A-B --log FILE)" });
  }
  const id = await saveExample(store, { ...example, pipeline, run: input.run, ranges, flaky: input.flaky, now: input.now });
  return { id, pipeline, run: input.run, ranges, lines: example.lines };
}
