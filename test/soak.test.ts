/**
 * A small soak on two control-plane instances sharing one PostgreSQL database (one node):
 * 20 deployments created at once over 10 services (two versions each, the second queued behind
 * the first). None is lost, run twice or stuck; both instances take work. The full size
 * (100 deployments over 50 services) runs in `npm run bench:soak`.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { findFreePort } from "../src/net/index.js";
import { stopEverything, tempDir, testDatabase } from "./helpers/fixture.js";
import { spawnServer, type ServerProcess } from "./helpers/processes.js";
import { runSoak } from "./helpers/soak.js";

const servers: ServerProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  for (const c of cleanups) await c().catch((err: unknown) => console.error(err));
});

test("20 concurrent deployments over 10 services on 2 instances: none lost, duplicated or stuck", async () => {
  const dataDir = await tempDir("soak");
  const workDir = await tempDir("soak-work");
  const db = await testDatabase("postgres", dataDir);
  cleanups.push(() => stopEverything(dataDir), () => db.drop());
  if (!process.env.SLIPWAY_KEEP_TEST_DATA) cleanups.push(() => rm(dataDir, { recursive: true, force: true }), () => rm(workDir, { recursive: true, force: true }));
  else console.error(`keeping ${dataDir} and ${workDir}`);
  for (const name of ["a", "b"]) {
    // The default lease (5 s): the machine is busy starting 20 deployments at once.
    servers.push(await spawnServer({ dataDir, db: db.url, port: await findFreePort("127.0.0.1"), logFile: join(workDir, `${name}.log`), env: { SLIPWAY_LEASE_MS: "5000" } }));
  }
  const result = await runSoak({ services: 10, versions: ["1.0.0", "2.0.0"], apis: servers.map((s) => s.api), workDir, timeoutMs: 240_000 });
  assert.equal(result.deployments, 20);
  assert.equal(Object.keys(result.byInstance).length, 2, `both instances ran deployments: ${JSON.stringify(result.byInstance)}`);
});
