/**
 * `npm run bench:soak`: the fleet/HA soak at the size: 100 deployments created at once
 * over 50 services on 2 control-plane instances sharing one PostgreSQL database (one node).
 * Checks none is lost, run twice or stuck, and prints throughput and step latencies.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { findFreePort } from "../src/net/index.js";
import { stopEverything, tempDir, testDatabase } from "../test/helpers/fixture.js";
import { spawnServer, type ServerProcess } from "../test/helpers/processes.js";
import { runSoak } from "../test/helpers/soak.js";

const SERVICES = Number(process.env.SOAK_SERVICES ?? 50);
const INSTANCES = Number(process.env.SOAK_INSTANCES ?? 2);

const dataDir = await tempDir("bench-soak");
const workDir = await tempDir("bench-soak-work");
const db = await testDatabase("postgres", dataDir);
const servers: ServerProcess[] = [];
let ok = false;
try {
  for (let i = 0; i < INSTANCES; i++) {
    servers.push(await spawnServer({ dataDir, db: db.url, port: await findFreePort("127.0.0.1"), logFile: join(workDir, `server-${i}.log`), env: { SLIPWAY_LEASE_MS: "5000" } }));
  }
  const r = await runSoak({ services: SERVICES, versions: ["1.0.0", "2.0.0"], apis: servers.map((s) => s.api), workDir, timeoutMs: 1_200_000 });
  console.log(`soak: ${r.deployments} deployments over ${SERVICES} services on ${INSTANCES} instances (PostgreSQL, process driver)`);
  console.log(`  all succeeded, each once; wall ${(r.wallMs / 1000).toFixed(1)} s, ${r.perMinute.toFixed(1)} deployments/min`);
  console.log(`  step duration p50 ${r.stepMs.p50} ms, p95 ${r.stepMs.p95} ms; scheduling gap between steps p95 ${r.stepGapP95Ms} ms`);
  console.log(`  by instance: ${Object.values(r.byInstance).join(" / ")}`);
  ok = true;
} finally {
  for (const s of servers) await s.stop().catch(() => undefined);
  await stopEverything(dataDir);
  if (ok) {
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  } else {
    console.error(`soak failed: data directory ${dataDir} and server logs in ${workDir} are kept for a look`);
  }
}
