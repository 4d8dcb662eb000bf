/**
 * A made-up delivery history for the dashboard's Delivery page, written straight into a fresh
 * database before the control plane starts (the rollups are built from it on the first report):
 * service "ledger" deployed to prod 2 to 4 times a week for twelve weeks, every fifth deployment
 * rolled back, each artifact carrying one commit made a few hours before its deployment. Its
 * staging environment is never deployed to (a filter with no data).
 */
import { parseServiceConfig } from "../../src/core/index.js";
import { addArtifact, addDeployment, HOUR, DAY } from "../../src/insights/testing.js";
import type { Db } from "../../src/store/index.js";
import { helloYaml } from "../helpers/fixture.js";

export const LEDGER = "ledger";

export interface DeliveryHistory {
  deployments: number;
  succeeded: number;
  rolledBack: number;
}

export async function seedDeliveryHistory(db: Db, now: number): Promise<DeliveryHistory> {
  const yaml = helloYaml(LEDGER, { staging: { target: { driver: "process", replicas: 1 } }, prod: { target: { driver: "process", replicas: 1 }, requires: { promoted_from: "staging" } } }).replace("team-e2e", "team-ledger");
  const parsed = parseServiceConfig(yaml, "slipway.yaml");
  if (!parsed.config) throw new Error(`the ledger's slipway.yaml does not parse: ${JSON.stringify(parsed.errors)}`);
  await db.insertInto("services").values({ name: LEDGER, owner: "team-ledger", config_json: JSON.stringify(parsed.config), config_yaml: yaml, created_at: now - 100 * DAY, updated_at: now - 100 * DAY }).execute();
  const out: DeliveryHistory = { deployments: 0, succeeded: 0, rolledBack: 0 };
  for (let week = 11; week >= 0; week--) {
    const perWeek = 2 + (week % 3);
    for (let j = perWeek - 1; j >= 0; j--) {
      const finished = now - week * 7 * DAY - j * 2 * DAY - 3 * HOUR;
      const n = out.deployments;
      const artifactId = await addArtifact(db, { service: LEDGER, version: `2.${Math.floor(n / 10)}.${n % 10}`, at: finished - 2 * HOUR, commit: `c${n}`, commits: [[`c${n}`, finished - (3 + (n % 4)) * HOUR]] });
      const rolledBack = n % 5 === 4;
      await addDeployment(db, { service: LEDGER, environment: "prod", artifactId, state: rolledBack ? "rolled_back" : "succeeded", created: finished - 20 * 60_000, finished, actor: "ci-bot", verify: rolledBack ? ["done", "failed"] : ["done", "done"] });
      out.deployments++;
      if (rolledBack) out.rolledBack++;
      else out.succeeded++;
    }
  }
  return out;
}
