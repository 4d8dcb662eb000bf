import { z } from "zod";
import { parsePercent } from "../duration.js";
import { duration } from "./values.js";
import { requiresSchema, windowsSchema } from "./governance.js";
import { triageConfigSchema } from "./triage.js";
import { scriptTargetSchema } from "./script-target.js";
import { notificationsSchema } from "./notifications.js";
import { sshTargetSchema } from "./ssh-target.js";

export { duration };

/**
 * The slipway.yaml schema. Objects are strict so an unknown key is an error (with a
 * did-you-mean, see issues.ts). Durations and percentages are written as text and
 * arrive in the parsed config as milliseconds and fractions.
 *
 * Descriptions (`.describe`) are what a user reads when a required key is missing, so they
 * are phrased as "the thing this key is (e.g. example)"; docs/slipway-yaml.md repeats them.
 */

export const percent = z
  .string({ error: "expected a percentage such as 20%" })
  .regex(/^\d+(\.\d+)?%$/, { error: "expected a percentage: a number followed by % (e.g. 20%)" })
  .transform((v) => parsePercent(v));

const name = z
  .string({ error: "expected a name" })
  .regex(/^[a-z][a-z0-9-]{0,62}$/, {
    error: "expected a lower-case name of letters, digits and '-', starting with a letter (e.g. checkout-api)",
  });

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: "expected an environment variable name: letters, digits and '_', not starting with a digit (e.g. PORT)",
});

const readiness = z.strictObject({
  http: z
    .string()
    .startsWith("/", { error: "expected a path starting with / (e.g. /healthz)" })
    .optional()
    .describe("the HTTP path that answers 2xx once the service is ready (e.g. /healthz)"),
  tcp: z.boolean().optional().describe("true to wait until the port accepts TCP connections"),
  interval: duration.default(250).describe("time between readiness checks (e.g. 250ms)"),
  timeout: duration.default(30_000).describe("how long a replica may take to become ready (e.g. 30s)"),
});

const shutdown = z.strictObject({
  signal: z
    .enum(["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2"])
    .default("SIGTERM")
    .describe("the signal that asks a replica to stop"),
  grace: duration.default(20_000).describe("how long to wait after the signal before SIGKILL (e.g. 20s)"),
});

export const runSchema = z.strictObject({
  command: z
    .string({ error: "expected the command that starts the service (e.g. node server.js)" })
    .min(1)
    .describe("the command that starts the service (e.g. node server.js)"),
  port_env: envVarName.default("PORT").describe("the environment variable through which Slipway passes the port"),
  readiness: readiness
    .default({ interval: 250, timeout: 30_000 })
    .describe("how Slipway knows a replica is ready for traffic"),
  shutdown: shutdown.default({ signal: "SIGTERM", grace: 20_000 }).describe("how a replica is stopped"),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: "expected a host user name (e.g. www-data)" })
    .optional()
    .describe("the host user replicas run as when the control plane runs as root; the server must allow it (slipway server --run-user SERVICE=USER); default slipway-SERVICE"),
});

const processTarget = z.strictObject({
  driver: z.literal("process").default("process").describe("the driver that runs replicas"),
  replicas: z.number().int().min(1).max(64).default(1).describe("how many replicas of the service run (1-64)"),
});

/** One branch per driver; `driver` may be left out for the process driver. */
const target = z.discriminatedUnion("driver", [processTarget, sshTargetSchema, scriptTargetSchema]);

const canaryStep = z.strictObject({
  weight: z
    .number()
    .int()
    .min(0)
    .max(100)
    .describe("the percentage of traffic the new version gets in this step (0-100, e.g. 10)"),
  pause: duration.optional().describe("how long to hold this step while analysis runs (e.g. 2m)"),
});

export const strategySchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("rolling").describe("the strategy: rolling, blue-green or canary"),
    batch: z
      .union([
        z.number().int().min(1).max(64),
        percent.refine((f) => f > 0 && f <= 1, { error: "expected a share of the replicas above 0% and at most 100% (e.g. 25%)" }).transform((share) => ({ share })),
      ], { error: "expected a number of replicas (1-64) or a share of them (e.g. 25%)" })
      .default(1)
      .describe("how many replicas are replaced at a time: a number (e.g. 2) or a share of them (e.g. 25%)"),
  }),
  z.strictObject({ type: z.literal("blue-green").describe("the strategy: rolling, blue-green or canary") }),
  z.strictObject({
    type: z.literal("canary").describe("the strategy: rolling, blue-green or canary"),
    steps: z
      .array(canaryStep)
      .min(1)
      .describe("the canary's traffic steps (e.g. [{ weight: 10, pause: 2m }, { weight: 100 }])"),
  }),
]);

const probe = z.union([
  z.strictObject({
    http: z.string().startsWith("/", { error: "expected a path starting with / (e.g. /healthz)" })
      .describe("the HTTP path to request (e.g. /healthz)"),
    expect_status: z.number().int().min(100).max(599).default(200).describe("the HTTP status the probe expects"),
    expect_body: z.string().optional().describe("text the response body must contain"),
    max_latency: duration.optional().describe("the slowest acceptable answer (e.g. 500ms)"),
  }),
  z.strictObject({ tcp: z.literal(true).describe("true: the port must accept a TCP connection") }),
]);

export const ROUTER_METRICS = ["error-rate", "latency-p50", "latency-p95", "latency-p99"] as const;

const metric = z
  .strictObject({
    name: z.string().min(1).describe("the metric's name (for router metrics, what is measured, e.g. error-rate)"),
    source: z.enum(["router", "prometheus", "http"]).default("router").describe("where the metric comes from"),
    /** For router sources the metric measured; defaults to `name`. */
    metric: z.enum(ROUTER_METRICS).optional().describe("the router metric measured, when it differs from name"),
    query: z.string().optional().describe("the PromQL query (source: prometheus)"),
    url: z.string().optional().describe("the JSON endpoint to read (source: http)"),
    max: z.number().optional().describe("the absolute ceiling (e.g. 0.01 for a 1% error rate)"),
    max_increase: percent.optional().describe("the largest allowed increase over the baseline version (e.g. 20%)"),
    compare: z.literal("baseline").optional().describe("baseline: compare the new version with the old one"),
  })
  .refine((m) => m.max !== undefined || m.max_increase !== undefined, {
    error: "a metric needs a limit: max (absolute ceiling) or max_increase (relative to the baseline, e.g. 20%)",
  });

const analysis = z.strictObject({
  /** Sequential tests stay valid however often they look, so looking often only makes rollbacks faster. */
  interval: duration.default(1_000).describe("time between analysis looks (e.g. 1s)"),
  /** Below this many requests a check is inconclusive, never passed; a significant regression fails sooner. */
  min_requests: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .default(50)
    .describe("requests needed before a check may pass; fewer is inconclusive"),
  /** The chance that a canary within its limits is failed, over all looks and router metrics together. */
  alpha: z
    .number()
    .gt(0, { error: "alpha must be above 0 (e.g. 0.01 for a 1% false-rollback chance)" })
    .max(0.2, { error: "alpha above 0.2 would roll back one good canary in five; use 0.01 or 0.05" })
    .default(0.01)
    .describe("the false-rollback probability of the whole analysis (e.g. 0.01)"),
  /** What an inconclusive result means once the step's pause is over. */
  on_inconclusive: z
    .enum(["fail", "pass"])
    .default("fail")
    .describe("what an inconclusive result means once the step's pause is over"),
  metrics: z.array(metric).min(1).describe("the metrics to check (e.g. [{ name: error-rate, max: 0.01 }])"),
});

export const verifySchema = z.strictObject({
  probes: z.array(probe).default([]).describe("HTTP and TCP probes run against each new replica"),
  smoke: z.array(z.string().min(1)).default([]).describe("commands that must exit 0 (e.g. ./scripts/smoke.sh)"),
  smoke_timeout: duration.default(60_000).describe("how long each smoke command may run (e.g. 60s)"),
  analysis: analysis.optional().describe("metric analysis during canary steps"),
});

export const environmentSchema = z.strictObject({
  target: target.default({ driver: "process", replicas: 1 }).describe("where and how many replicas run"),
  strategy: strategySchema.default({ type: "rolling", batch: 1 }).describe("how a new version replaces the old"),
  verify: verifySchema
    .default({ probes: [], smoke: [], smoke_timeout: 60_000 })
    .describe("how a deployment is verified"),
  rollback: z.enum(["auto", "manual"]).default("auto").describe("auto: roll back on failed verification"),
  production: z
    .boolean()
    .optional()
    .describe("counts as production in delivery metrics (default: an environment named prod or production)"),
  incidents: z
    .strictObject({
      on_failed_verification: z.boolean().default(true).describe("open an incident when a deployment here fails verification"),
      severity: z.enum(["sev1", "sev2", "sev3", "sev4"]).default("sev2").describe("the severity of incidents opened that way"),
    })
    .optional()
    .describe("incidents opened by Slipway itself (production environments default to { on_failed_verification: true, severity: sev2 })"),
  requires: requiresSchema
    .optional()
    .describe("the gates a deployment here must pass (e.g. { promoted_from: staging, soak: 10m })"),
  windows: windowsSchema
    .optional()
    .describe('when deployments may run (e.g. { allow: ["Mon-Thu 09:00-16:00 Europe/Berlin"] })'),
});

const secretRef = z
  .string()
  .regex(/^(env|file):.+$/, { error: "expected a secret reference env:NAME or file:/path" })
  .describe("a secret reference: env:NAME or file:/path");

export const configValue = z.union([
  z.string(),
  z.number().transform(String),
  z.boolean().transform(String),
  z.strictObject({
    secret: secretRef,
  }),
]);

const buildSchema = z.strictObject({
  env: z.array(envVarName).default([]).describe("environment variables that must be set before any stage runs (their values are redacted from the log)"),
  secrets: z
    .record(envVarName, z.strictObject({ secret: secretRef }))
    .default({})
    .describe("variables the stages get from secret references, redacted from the log (e.g. { NPM_TOKEN: { secret: env:CI_NPM_TOKEN } })"),
  stages: z
    .array(
      z.strictObject({
        name: z.string().describe("the stage's name (e.g. test)"),
        run: z.string().describe("the stage's shell command (e.g. npm test)"),
        timeout: duration.optional().describe("how long the stage may run (e.g. 10m)"),
      }),
    )
    .min(1)
    .describe("the build stages, run in order (e.g. [{ name: test, run: npm test }])"),
  artifact: z.string().optional().describe("a glob naming the built artifact (e.g. dist/*.tgz)"),
});

export const serviceConfigSchema = z.strictObject({
  service: name.describe("the service's name (e.g. checkout-api)"),
  owner: z.string().min(1).describe("the team that owns the service (e.g. team-payments)"),
  runbook: z.string().optional().describe("a path or URL to the service's runbook"),
  build: buildSchema.optional().describe("how `slipway pipeline run` builds the artifact"),
  // Only replica drivers run the artifact; a service deployed by script targets alone needs no run.
  run: runSchema.optional().describe("how an artifact runs (e.g. run: { command: node server.js })"),
  environments: z
    .record(name, environmentSchema)
    .refine((envs) => Object.keys(envs).length > 0, {
      error: "declare at least one environment (e.g. dev)",
    })
    .describe("the environments the service deploys to (e.g. environments: { dev: {} })"),
  config: z
    .record(z.string(), z.record(envVarName, configValue))
    .default({})
    .describe("per-environment settings passed as environment variables"),
  triage: triageConfigSchema.optional().describe("pipeline-failure triage for this service (e.g. triage: { rules: [...] })"),
  notifications: notificationsSchema.optional().describe("where this service's deployment events are sent (see docs/notifications.md)"),
});

export type ServiceConfig = z.output<typeof serviceConfigSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type RunConfig = z.output<typeof runSchema>;
/** Where an environment's replicas run: `target.driver` picks the driver. */
export type TargetConfig = EnvironmentConfig["target"];
/** A target whose replicas Slipway runs (not a script target). */
export type ReplicaTargetConfig = Exclude<TargetConfig, { driver: "script" }>;
export type { ScriptTargetConfig } from "./script-target.js";
export type { SshTargetConfig } from "./ssh-target.js";
export type Strategy = z.output<typeof strategySchema>;
export type VerifyConfig = z.output<typeof verifySchema>;
export type AnalysisConfig = NonNullable<VerifyConfig["analysis"]>;
export type MetricConfig = AnalysisConfig["metrics"][number];
export type ProbeConfig = VerifyConfig["probes"][number];
export type ConfigValue = z.output<typeof configValue>;
export type {
  AllowWindow,
  ApprovalsConfig,
  FreezeWindow,
  ProvenanceRequirement,
  RequiresConfig,
  Role,
  ScanThreshold,
  SeparatedParty,
  WindowsConfig,
} from "./governance.js";
export { ROLE_NAMES, SCAN_THRESHOLDS, SEPARATED_PARTIES, requiresSchema, windowsSchema } from "./governance.js";
export type RouterMetric = (typeof ROUTER_METRICS)[number];
