import { runOffThread, siblingModule } from "../workers/index.js";
import { triageLog, type LogSource, type TriageOptions } from "./triage.js";
import type { TriageResult } from "./types.js";

/**
 * triageLog on a worker thread when the whole log is at hand (text or bytes, as uploads and
 * stored run logs are): a log of tens of megabytes costs a worker seconds, not the server's
 * event loop. A streamed log is triaged here as it arrives (it cannot be handed to a thread).
 */
export function triageLogOffThread(source: LogSource, options: TriageOptions = {}): Promise<TriageResult> {
  const whole = (s: LogSource | undefined) => s === undefined || typeof s === "string" || s instanceof Uint8Array;
  if (!whole(source) || !whole(options.passLog)) return triageLog(source, options);
  return runOffThread<TriageResult>({ module: siblingModule(import.meta.url, "triage"), fn: "triageLog", args: [source, options] });
}
