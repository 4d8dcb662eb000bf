import { z } from "zod";
import { isDuration, parseDuration, parsePercent } from "../duration.js";

/**
 * The slipway.yaml schema. Objects are strict so an unknown key is an error (with a
 * did-you-mean, see parse.ts). Durations and percentages are written as text and
 * arrive in the parsed config as milliseconds and fractions.
 */

export const duration = z
  .string({ error: "expected a duration such as 250ms, 10s, 2m or 1h" })
  .refine((v) => isDuration(v), {
    error: "expected a duration: a number and a unit ms, s, m, h or d (e.g. 250ms, 10s, 2m)",
  })
  .transform((v) => parseDuration(v));

export const percent = z
  .string({ error: "expected a percentage such as 20%" })
  .regex(/^\d+(\.\d+)?%$/, { error: "expected a percentage: a number followed by % (e.g. 20%)" })
  .transform((v) => parsePercent(v));

const name = z
  .string({ error: "expected a name" })
  .regex(/^[a-z][a-z0-9-]{0,62}$/, {
    error: "expected a lower-case name of letters, digits and '-', starting with a letter (e.g. checkout-api)",
  });

const readiness = z.strictObject({
  http: z.string().startsWith("/", { error: "expected a path starting with / (e.g. /healthz)" }).optional(),
  tcp: z.boolean().optional(),
  interval: duration.default(250),
  timeout: duration.default(30_000),
});

const shutdown = z.strictObject({
  signal: z.enum(["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2"]).default("SIGTERM"),
  grace: duration.default(20_000),
});

export const runSchema = z.strictObject({
  command: z.string({ error: "expected the command that starts the service (e.g. node server.js)" }).min(1),
  port_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default("PORT"),
  readiness: readiness.default({ interval: 250, timeout: 30_000 }),
  shutdown: shutdown.default({ signal: "SIGTERM", grace: 20_000 }),
});

const target = z.strictObject({
  driver: z.enum(["process"]).default("process"),
  replicas: z.number().int().min(1).max(64).default(1),
});

const canaryStep = z.strictObject({
  weight: z.number().int().min(0).max(100),
  pause: duration.optional(),
});

export const strategySchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("rolling"), batch: z.number().int().min(1).default(1) }),
  z.strictObject({ type: z.literal("blue-green") }),
  z.strictObject({ type: z.literal("canary"), steps: z.array(canaryStep).min(1) }),
]);

const probe = z.union([
  z.strictObject({
    http: z.string().startsWith("/"),
    expect_status: z.number().int().default(200),
    expect_body: z.string().optional(),
    max_latency: duration.optional(),
  }),
  z.strictObject({ tcp: z.literal(true) }),
]);

export const ROUTER_METRICS = ["error-rate", "latency-p50", "latency-p95", "latency-p99"] as const;

const metric = z
  .strictObject({
    name: z.string().min(1),
    source: z.enum(["router", "prometheus", "http"]).default("router"),
    /** For router sources the metric measured; defaults to `name`. */
    metric: z.enum(ROUTER_METRICS).optional(),
    query: z.string().optional(),
    url: z.string().optional(),
    max: z.number().optional(),
    max_increase: percent.optional(),
    compare: z.literal("baseline").optional(),
  })
  .refine((m) => m.max !== undefined || m.max_increase !== undefined, {
    error: "a metric needs a limit: max (absolute ceiling) or max_increase (relative to the baseline, e.g. 20%)",
  });

const analysis = z.strictObject({
  interval: duration.default(10_000),
  /** Below this many requests in the window a check is inconclusive, never passed. */
  min_requests: z.number().int().min(1).default(50),
  /** What an inconclusive result means once the step's pause is over. */
  on_inconclusive: z.enum(["fail", "pass"]).default("fail"),
  metrics: z.array(metric).min(1),
});

export const verifySchema = z.strictObject({
  probes: z.array(probe).default([]),
  smoke: z.array(z.string().min(1)).default([]),
  smoke_timeout: duration.default(60_000),
  analysis: analysis.optional(),
});

export const environmentSchema = z.strictObject({
  target: target.default({ driver: "process", replicas: 1 }),
  strategy: strategySchema.default({ type: "rolling", batch: 1 }),
  verify: verifySchema.default({ probes: [], smoke: [], smoke_timeout: 60_000 }),
  rollback: z.enum(["auto", "manual"]).default("auto"),
});

export const configValue = z.union([
  z.string(),
  z.number().transform(String),
  z.boolean().transform(String),
  z.strictObject({
    secret: z.string().regex(/^(env|file):.+$/, {
      error: "expected a secret reference env:NAME or file:/path",
    }),
  }),
]);

const buildSchema = z.strictObject({
  env: z.array(z.string()).default([]),
  stages: z.array(z.strictObject({ name: z.string(), run: z.string(), timeout: duration.optional() })).min(1),
  artifact: z.string().optional(),
});

export const serviceConfigSchema = z.strictObject({
  service: name,
  owner: z.string().min(1),
  runbook: z.string().optional(),
  build: buildSchema.optional(),
  run: runSchema,
  environments: z.record(name, environmentSchema).refine((envs) => Object.keys(envs).length > 0, {
    error: "declare at least one environment (e.g. dev)",
  }),
  config: z.record(z.string(), z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), configValue)).default({}),
});

export type ServiceConfig = z.output<typeof serviceConfigSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type RunConfig = z.output<typeof runSchema>;
export type Strategy = z.output<typeof strategySchema>;
export type VerifyConfig = z.output<typeof verifySchema>;
export type AnalysisConfig = NonNullable<VerifyConfig["analysis"]>;
export type MetricConfig = AnalysisConfig["metrics"][number];
export type ProbeConfig = VerifyConfig["probes"][number];
export type ConfigValue = z.output<typeof configValue>;
export type RouterMetric = (typeof ROUTER_METRICS)[number];
