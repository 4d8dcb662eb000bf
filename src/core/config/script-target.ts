import { z } from "zod";
import { formatDuration } from "../duration.js";
import { duration } from "./values.js";

/**
 * `target: { driver: script, … }`: the environment is deployed by the team's own commands
 * (helm, kubectl, terraform, …) instead of replicas Slipway runs. Each command is one shell
 * command line; exit 0 is success, 75 (EX_TEMPFAIL) "try again" (retried with back-off), any
 * other code a failure. See docs/targets-script.md.
 */

/** The longest a single command may run: a deploy that takes longer is stuck, not slow. */
export const SCRIPT_TIMEOUT_MAX_MS = 6 * 3_600_000;

const command = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

const boundedDuration = (min: number, max: number, what: string) =>
  duration
    .refine((ms) => ms >= min, { error: `${what} must be at least ${formatDuration(min)}` })
    .refine((ms) => ms <= max, { error: `${what} must be at most ${formatDuration(max)}` });

export const scriptTargetSchema = z.strictObject({
  driver: z.literal("script").describe("the driver: script runs your own commands"),
  deploy: command("the command that deploys SLIPWAY_VERSION (e.g. helm upgrade --install …)").describe(
    "the command that deploys SLIPWAY_VERSION (e.g. helm upgrade --install app ./chart --set image.tag=$SLIPWAY_VERSION)",
  ),
  status: command("a command that exits 0 once the deployment is ready (e.g. kubectl rollout status …)")
    .optional()
    .describe("a command that exits 0 once the deployment is ready, 75 while it is not yet (e.g. kubectl rollout status deploy/app)"),
  verify: command("a command that exits 0 when the deployed version works (e.g. ./smoke.sh)")
    .optional()
    .describe("a command that exits 0 when the deployed version works; any failure rolls back (e.g. ./smoke.sh)"),
  rollback: command("the command that restores SLIPWAY_VERSION, the previous version (e.g. helm rollback app)")
    .optional()
    .describe("the command that restores the previous version (SLIPWAY_VERSION); without it, deploy runs again with the previous version"),
  timeout: boundedDuration(1_000, SCRIPT_TIMEOUT_MAX_MS, "timeout")
    .default(600_000)
    .describe("how long each command may run before its process group is killed (e.g. 10m; at most 6h)"),
  retries: z.number().int().min(0).max(10).default(3).describe("how often a command that exits 75 is run again (0-10)"),
  retry_backoff: boundedDuration(10, 600_000, "retry_backoff")
    .default(5_000)
    .describe("the wait before the first retry, doubled for each further one (e.g. 5s)"),
  shell: z.string().min(1).default("/bin/sh").describe("the shell that runs each command with -c (e.g. /bin/bash)"),
  url: z
    .url({ protocol: /^https?$/, error: "expected an http(s) URL where the deployed service answers (e.g. https://checkout.internal)" })
    .optional()
    .describe("where the deployed service answers: verify.probes and smoke commands (SLIPWAY_URL) go there"),
  analyse_for: boundedDuration(1_000, 24 * 3_600_000, "analyse_for")
    .optional()
    .describe("how long verify.analysis watches the new version after it is verified (e.g. 5m; default 10 analysis intervals)"),
});

export type ScriptTargetConfig = z.output<typeof scriptTargetSchema>;
