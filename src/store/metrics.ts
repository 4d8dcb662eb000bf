import { sql } from "kysely";
import type { Db } from "./schema.js";

/**
 * Aggregates for the Prometheus exposition: each one statement that the database answers from
 * its rows, so the numbers are the cluster's truth and survive any restart.
 */

export interface DeploymentCount {
  service: string;
  environment: string;
  strategy: string;
  state: string;
  count: number;
}

/** Deployments per service, environment, strategy and state. */
export async function countDeployments(db: Db): Promise<DeploymentCount[]> {
  const rows = await db
    .selectFrom("deployments")
    .select(["service", "environment", "strategy", "state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["service", "environment", "strategy", "state"])
    .execute();
  return rows.map((r) => ({ service: r.service, environment: r.environment, strategy: r.strategy, state: r.state, count: Number(r.n) }));
}

export interface DurationHistogram {
  kind: string;
  /** Cumulative counts per upper bound (same order as the bounds asked for). */
  buckets: number[];
  count: number;
  sumMs: number;
}

/** Finished steps' durations per kind, as cumulative histogram buckets over `boundsMs`. */
export async function stepDurationHistograms(db: Db, boundsMs: readonly number[]): Promise<DurationHistogram[]> {
  const duration = sql<number>`(finished_at - started_at)`;
  const bucketColumns = boundsMs.map((b, i) => sql<number>`sum(case when ${duration} <= ${b} then 1 else 0 end)`.as(`b${i}`));
  const rows = await db
    .selectFrom("steps")
    .select(["kind", (eb) => eb.fn.countAll<number>().as("n"), sql<number>`sum(${duration})`.as("total"), ...bucketColumns])
    .where("started_at", "is not", null)
    .where("finished_at", "is not", null)
    .groupBy("kind")
    .execute();
  return rows.map((r) => {
    const row = r as Record<string, unknown>;
    return { kind: r.kind, buckets: boundsMs.map((_, i) => Number(row[`b${i}`] ?? 0)), count: Number(r.n), sumMs: Number(r.total ?? 0) };
  });
}

/** Analysis decisions per check and verdict (one per check per recorded look). */
export async function countDecisions(db: Db): Promise<{ check: string; verdict: string; count: number }[]> {
  const rows = await db.selectFrom("decisions").select(["check_name", "verdict", (eb) => eb.fn.countAll<number>().as("n")]).groupBy(["check_name", "verdict"]).execute();
  return rows.map((r) => ({ check: r.check_name, verdict: r.verdict, count: Number(r.n) }));
}

/** Finished verification and analysis steps by kind and outcome (done = passed, failed). */
export async function countVerificationSteps(db: Db): Promise<{ kind: string; state: string; count: number }[]> {
  const rows = await db
    .selectFrom("steps")
    .select(["kind", "state", (eb) => eb.fn.countAll<number>().as("n")])
    .where("kind", "in", ["verify", "analyse"])
    .where("state", "in", ["done", "failed"])
    .groupBy(["kind", "state"])
    .execute();
  return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.n) }));
}
