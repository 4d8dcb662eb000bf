import { join } from "node:path";
import { failed, formatDuration, makeRedactor, newId, type ScriptTargetConfig } from "../core/index.js";
import { RUN_ID_VAR, runScriptCommand, stopLeftover, type ScriptCommandName, type ScriptOutcome } from "../drivers/index.js";
import { resolveConfig } from "../secrets/index.js";
import { holdsLease, isCancelRequested, noteRunningStep, runningStepNote } from "../store/index.js";
import { unpackArtifact } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import type { FrozenConfig } from "./frozen.js";
import { pause } from "./pause.js";
import { earlierOutputs, outputFileFor } from "./script-outputs.js";
import { deploymentSubject, record } from "./record.js";
import { CancelRequested, LeaseLost, VerificationFailed, type RunState } from "./run-state.js";

/**
 * The steps of a script target: its commands run as child processes of this instance, with the
 * deployment's variables, and their outcome (redacted output included) becomes the step's
 * result. A command's run id is noted on the step before it starts, so an instance resuming the
 * step after a crash stops a leftover first (or waits out its timeout when it ran elsewhere)
 * and then runs the command again: script commands are expected to be idempotent, as
 * `helm upgrade --install`, `kubectl apply` and `terraform apply` are.
 */

/** Variables of the control plane's own environment that a command gets; everything else comes from `config`. */
const PASSED_THROUGH = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"] as const;

/** What a command deploys or restores: a version, its artifact and the configuration it runs with. */
export interface ScriptSubject {
  version: string;
  digest: string;
  frozen: FrozenConfig;
}

/** The note a running script step leaves (see noteRunningStep). */
interface InFlightNote {
  script: { node: string; runId: string; deadline: number; attempt: number };
}

export function scriptTargetOf(frozen: FrozenConfig): ScriptTargetConfig {
  const target = frozen.environment.target;
  if (target.driver !== "script") throw failed(`the environment's target is ${target.driver}, not script`);
  return target;
}

/** Runs a step's command for the deployment's own version; throws (and so rolls back) unless it succeeds. */
export async function runScriptStep(ctx: EngineContext, run: RunState, name: "deploy" | "status" | "verify"): Promise<ScriptOutcome> {
  await stopLeftoverOfStep(ctx, run);
  const d = run.deployment;
  const outcome = await runTargetCommand(ctx, run, name, { version: d.version, digest: d.digest, frozen: run.frozen }, true);
  if (outcome.outcome !== "ok") throw commandFailed(outcome, scriptTargetOf(run.frozen));
  return outcome;
}

/**
 * Runs one command of the run's script target for `subject`. `noted`: the process is noted on
 * the running step (steps only; a rollback has no step in flight).
 */
export async function runTargetCommand(ctx: EngineContext, run: RunState, name: ScriptCommandName, subject: ScriptSubject, noted: boolean, extra: Record<string, string> = {}): Promise<ScriptOutcome> {
  const d = run.deployment;
  const target = scriptTargetOf(run.frozen);
  const command = target[name];
  if (command === undefined) throw failed(`the script target has no ${name} command`);
  const resolved = resolveConfig(subject.frozen.config, ctx.secretSource);
  const redact = makeRedactor(Object.values(resolved.secrets));
  const workdir = await unpackArtifact(ctx.dataDir, subject.digest, join(ctx.dataDir, "work", d.service, subject.digest));
  const runId = newId();
  const outputFile = await outputFileFor(ctx, d.service, runId);
  const env: Record<string, string> = {
    ...passedThrough(),
    ...resolved.env,
    ...resolved.secrets,
    ...(await earlierOutputs(ctx, d.id)),
    ...extra,
    SLIPWAY_OUTPUT: outputFile,
    SLIPWAY_ARTIFACT: workdir,
    SLIPWAY_ARTIFACT_DIGEST: subject.digest,
    SLIPWAY_VERSION: subject.version,
    SLIPWAY_PREVIOUS_VERSION: d.previousVersion ?? "",
    SLIPWAY_SERVICE: d.service,
    SLIPWAY_ENVIRONMENT: d.environment,
    SLIPWAY_DEPLOYMENT_ID: d.id,
    SLIPWAY_COMMAND: name,
    ...(target.url ? { SLIPWAY_URL: target.url } : {}),
    [RUN_ID_VAR]: runId,
  };
  // A step's command stops at once on a cancel; a rollback's command (a cancel starts one) runs to its end.
  const watch = noted ? watchCancel(ctx, run) : { signal: run.signal, cancelled: () => false, stop: () => undefined };
  const outcome = await runScriptCommand(
    { name, command, shell: target.shell, cwd: workdir, env, timeoutMs: target.timeout, retries: target.retries, backoffMs: target.retry_backoff, redact, signal: watch.signal, outputFile },
    {
      now: () => ctx.clock.now(),
      sleep: (ms) => pause(ctx, run, ms),
      // Noted before the process starts, so a crash at any moment after leaves a run a resume can find.
      // A lost lease (another instance resumed this deployment) throws here, and the command never starts.
      ...(noted ? { beforeSpawn: (attempt: number, deadline: number) => noteFenced(ctx, run, { script: { node: ctx.node, runId, deadline, attempt } }) } : {}),
    },
  ).finally(() => watch.stop());
  // Stopped because this instance lost the lease or shuts down: whoever resumes puts the step on the record.
  if (run.signal.aborted) throw new LeaseLost(d.id);
  await putOnRecord(ctx, run, outcome, !noted);
  if (watch.cancelled()) throw new CancelRequested();
  return outcome;
}

/** A signal that aborts when the run does or when someone cancels the deployment (looked up every cancelCheckMs). */
function watchCancel(ctx: EngineContext, run: RunState): { signal: AbortSignal; cancelled: () => boolean; stop: () => void } {
  const controller = new AbortController();
  let cancelled = false;
  const onAbort = () => controller.abort(run.signal.reason);
  run.signal.addEventListener("abort", onAbort, { once: true });
  if (run.signal.aborted) onAbort();
  const timer = setInterval(() => {
    isCancelRequested(ctx.store.db, run.deployment.id).then(
      (yes) => {
        if (!yes || controller.signal.aborted) return;
        cancelled = true;
        controller.abort();
      },
      (err: unknown) => ctx.log.warn({ err, deployment: run.deployment.id }, "could not check for a cancel; the command goes on"),
    );
  }, ctx.settings.cancelCheckMs);
  return {
    signal: controller.signal,
    cancelled: () => cancelled,
    stop: () => {
      clearInterval(timer);
      run.signal.removeEventListener("abort", onAbort);
    },
  };
}

async function noteFenced(ctx: EngineContext, run: RunState, note: InFlightNote): Promise<void> {
  const id = run.deployment.id;
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await holdsLease(trx, ctx.store.dialect, id, { owner: ctx.instanceId, token: run.leaseToken }))) throw new LeaseLost(id);
    await noteRunningStep(trx, id, note);
  });
}

/**
 * Before a script step runs again after a crash: a command the step left running on this node
 * is stopped; one that ran on another node (out of reach) is waited out until its timeout,
 * which the `timeout` wrapper enforces there even without a control plane.
 */
async function stopLeftoverOfStep(ctx: EngineContext, run: RunState): Promise<void> {
  const note = (await runningStepNote(ctx.store.db, run.deployment.id)) as Partial<InFlightNote> | null;
  const left = note?.script;
  if (!left) return;
  let what: "stopped" | "gone" | "waited";
  if (left.node === ctx.node) {
    what = (await stopLeftover(left.runId)) ? "stopped" : "gone";
  } else {
    await pause(ctx, run, Math.max(0, left.deadline - ctx.clock.now()));
    what = "waited";
  }
  await record(ctx, { actor: "slipway", action: "script.leftover", subject: deploymentSubject(run.deployment.id), payload: { ...left, what } });
}

/**
 * The audit log gets how each command ended. A step's output is in the step's result; a
 * rollback runs outside any step, so its (redacted) output goes into this event.
 */
async function putOnRecord(ctx: EngineContext, run: RunState, outcome: ScriptOutcome, withOutput: boolean): Promise<void> {
  const d = run.deployment;
  const attempts = outcome.attempts.map(({ attempt, exitCode, signal, timedOut, durationMs, output, outputTruncated }) => ({
    attempt,
    exitCode,
    signal,
    timedOut,
    durationMs,
    ...(withOutput ? { output, outputTruncated } : {}),
  }));
  await record(ctx, { actor: "slipway", action: "script.ran", subject: deploymentSubject(d.id), payload: { command: outcome.name, outcome: outcome.outcome, attempts } });
  const last = outcome.attempts[outcome.attempts.length - 1];
  const level = outcome.outcome === "ok" ? "info" : "warn";
  ctx.log[level](
    { deployment: d.id, service: d.service, environment: d.environment, command: outcome.name, outcome: outcome.outcome, exitCode: last?.exitCode, output: tailLines(last?.output ?? "", 20) },
    `script ${outcome.name} ${outcome.outcome}`,
  );
}

/** The error a command that did not succeed becomes: it names the command, and the limit it hit. */
export function commandFailed(outcome: ScriptOutcome, target: ScriptTargetConfig): Error {
  const last = outcome.attempts[outcome.attempts.length - 1]!;
  const said = tailLines(last.output, 1).trim();
  const tail = said ? `: ${said.slice(0, 300)}` : "";
  const named = `the ${outcome.name} command (target.${outcome.name}: \`${briefly(outcome.command)}\`)`;
  const details = { script: outcome };
  const show = "its output is stored with the step (`slipway show DEPLOYMENT`)";
  let message: string;
  let hint: string;
  switch (outcome.outcome) {
    case "timed_out":
      message = `${named} timed out after ${formatDuration(target.timeout)} (target.timeout); its process group was killed`;
      hint = `raise target.timeout if it needs longer, or see where it hung: ${show}`;
      break;
    case "retries_exhausted":
      message = `${named} still asked to be retried (exit 75) after ${target.retries} retries (target.retries)${tail}`;
      hint = `raise target.retries or target.retry_backoff if the system needs longer to settle; ${show}`;
      break;
    case "cancelled":
      message = `${named} was stopped before it ended`;
      hint = "the deployment was cancelled or this control plane stopped";
      break;
    default:
      message = last.startError
        ? `${named} could not start: ${last.startError}`
        : `${named} ${last.signal ? `was killed by ${last.signal}` : `exited with code ${last.exitCode}`}${tail}`;
      hint =
        last.startError || last.exitCode === 127
          ? `a program was not found: check target.shell (${target.shell}), the command, and PATH (set it under config: if the tools live elsewhere); ${show}`
          : show;
  }
  return outcome.name === "deploy" ? failed(message, { hint, details }) : new VerificationFailed(message, hint, details);
}

function passedThrough(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function tailLines(text: string, n: number): string {
  return text.split("\n").filter((l) => l.trim() !== "").slice(-n).join("\n");
}

/** A command line short enough for an error message: its first line, cut at 60 characters. */
function briefly(command: string): string {
  const first = command.trim().split("\n")[0]!;
  return first.length > 60 || command.trim().includes("\n") ? `${first.slice(0, 60)}…` : first;
}
