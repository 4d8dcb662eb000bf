/** Input validation for the router's admin API and state file (zod): one place for the rules. */
import { z } from "zod";
import { badInput } from "../core/index.js";
import type { Route } from "./types.js";

/** "host:port", as the driver reports replica addresses (IPv6 hosts in brackets). */
const TARGET = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

const targetSchema = z
  .string()
  .regex(TARGET, { message: 'a target must look like "127.0.0.1:8080"' })
  .refine((t) => {
    const port = Number(t.slice(t.lastIndexOf(":") + 1));
    return port >= 1 && port <= 65535;
  }, { message: "a target's port must be 1..65535" });

export const backendSchema = z.object({
  version: z.string().min(1).max(200),
  weight: z.number().min(0).max(100),
  targets: z.array(targetSchema).max(1000),
});

export const routeSchema = z
  .object({
    key: z.string().min(3).max(300).regex(/^[^/]+\/[^/]+$/, { message: 'a route key is "service/environment"' }),
    port: z.number().int().min(1).max(65535),
    backends: z.array(backendSchema).max(100),
  })
  .refine((r) => new Set(r.backends.map((b) => b.version)).size === r.backends.length, {
    message: "each version may appear only once in backends",
    path: ["backends"],
  });

export const drainSchema = z.object({
  version: z.string().min(1),
  /** Bounded so a forgotten drain cannot hold an admin connection for hours. */
  timeoutMs: z.number().int().min(0).max(600_000),
});

export const stateFileSchema = z.object({
  version: z.literal(1),
  routes: z.array(routeSchema),
});

/** Parses `value` with `schema`, or throws a `bad_input` error that names every offending field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`);
  throw badInput(`invalid ${what}: ${problems.join("; ")}`, {
    hint: "see src/router/types.ts for the shape of a Route",
    details: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/** Validates a route, returning a copy that carries only the known fields. */
export function parseRoute(value: unknown): Route {
  return parseOrThrow(routeSchema, value, "route");
}
