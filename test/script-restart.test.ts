/**
 * kill -9 of the control plane while a script target's deploy command runs, then a restart on
 * the same data directory and database: the resumed step first stops the command the dead
 * server left running (recognised by its run id), then runs it again; the deployment ends
 * succeeded, the two runs never overlap to the end, and nothing is left running. The same
 * holds when the server dies the moment the command starts (the command kills it itself).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import YAML from "yaml";
import { findFreePort } from "../src/net/index.js";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { packToBuffer, stopEverything, tempDir, testDatabase, type TestDatabase } from "./helpers/fixture.js";
import { summarize, waitFor, waitForEnd } from "./helpers/http.js";
import { processesWithEnv, spawnServer, type ServerProcess } from "./helpers/processes.js";

/** The first run hangs (so the server can be killed in it); a run after it is quick. */
const DEPLOY = [
  'echo "start $SLIPWAY_RUN_ID" >> "$STATE_DIR/runs"',
  'if [ ! -f "$STATE_DIR/once" ]; then touch "$STATE_DIR/once"; sleep 120; fi',
  'echo "$SLIPWAY_VERSION" > "$STATE_DIR/version"',
  'echo "end $SLIPWAY_RUN_ID" >> "$STATE_DIR/runs"',
].join("\n");

/** As DEPLOY, but its first run kills the server at once: the worst moment, just after the spawn. */
const DEPLOY_KILLING_SERVER = [
  'echo "start $SLIPWAY_RUN_ID" >> "$STATE_DIR/runs"',
  'if [ ! -f "$STATE_DIR/once" ]; then touch "$STATE_DIR/once"; kill -9 "$(cat "$STATE_DIR/server.pid")"; sleep 120; fi',
  'echo "end $SLIPWAY_RUN_ID" >> "$STATE_DIR/runs"',
].join("\n");

for (const dialect of TEST_DIALECTS) {
  describe(`kill -9 of the server while a script command runs (${dialect})`, () => {
    let dataDir: string;
    let workDir: string;
    let db: TestDatabase;
    let port: number;
    let server: ServerProcess | undefined;
    let starts = 0;
    const stateDirs: Record<string, string> = {};
    const start = async () => {
      server = await spawnServer({ dataDir, db: db.url, port, logFile: join(workDir, `server-${++starts}.log`) });
    };
    const addService = async (service: string, deploy: string) => {
      const stateDir = (stateDirs[service] = await mkdtemp(join(workDir, `${service}-`)));
      await server!.api.apply(
        YAML.stringify({
          service,
          owner: "team-platform",
          environments: { prod: { target: { driver: "script", deploy, timeout: "5m" } } },
          config: { prod: { STATE_DIR: stateDir } },
        }),
      );
      const release = await mkdtemp(join(workDir, "release-"));
      await writeFile(join(release, "main.tf"), "# infrastructure\n");
      await server!.api.ok("PUT", `/artifacts/${service}/1.0.0`, await packToBuffer(release, workDir));
    };
    const runsOf = (service: string) => readFile(join(stateDirs[service]!, "runs"), "utf8").catch(() => "");

    /** The deployment ended succeeded after a restart: the first run stopped, the second run whole, nothing left. */
    const assertResumedCleanly = async (service: string, id: string, first: string) => {
      const detail = await waitForEnd(server!.api, id);
      assert.equal(detail.deployment.state, "succeeded", summarize(detail));
      const leftover = detail.timeline.find((e) => e.action === "script.leftover");
      assert.equal((leftover?.payload as { what?: string; runId?: string } | undefined)?.what, "stopped", JSON.stringify(detail.timeline));
      assert.equal((leftover?.payload as { runId?: string }).runId, first);
      const lines = (await runsOf(service)).trim().split("\n");
      assert.equal(lines.length, 3, lines.join("\n"));
      assert.equal(lines[0], `start ${first}`);
      assert.match(lines[1]!, /^start /);
      assert.equal(lines[2], lines[1]!.replace("start", "end"), "only the second run reached its end");
      assert.deepEqual(processesWithEnv("SLIPWAY_DEPLOYMENT_ID", id), [], "nothing of either run is left");
      assert.equal(detail.timeline.filter((e) => e.action === "step.started").length, 3, "each step started once on the record");
    };

    before(async () => {
      dataDir = await tempDir("script-crash");
      workDir = await tempDir("script-crash-work");
      db = await testDatabase(dialect, dataDir);
      port = await findFreePort("127.0.0.1");
      await start();
      await addService("terraformed", DEPLOY);
      await addService("bootstrapped", DEPLOY_KILLING_SERVER);
    });

    after(async () => {
      await server?.stop().catch(() => undefined);
      await stopEverything(dataDir);
      await db.drop().catch((err: unknown) => console.error(err));
      if (!process.env.SLIPWAY_KEEP_TEST_DATA) {
        await rm(dataDir, { recursive: true, force: true });
        await rm(workDir, { recursive: true, force: true });
      }
    });

    test("the resumed step stops the leftover command, runs it again and succeeds", async () => {
      const id = await server!.api.deploy("terraformed", "prod", "1.0.0");
      const first = await waitFor("the deploy command to start", async () => /^start (\S+)$/m.exec(await runsOf("terraformed"))?.[1]);
      await server!.kill9();
      assert.equal(processesWithEnv("SLIPWAY_DEPLOYMENT_ID", id).length > 0, true, "the command outlived its server");
      await start();
      await assertResumedCleanly("terraformed", id, first);
      assert.equal(await readFile(join(stateDirs.terraformed!, "version"), "utf8"), "1.0.0\n");
    });

    test("a server killed the moment the command started: the resumed step still finds the command by its run id", async () => {
      await writeFile(join(stateDirs.bootstrapped!, "server.pid"), String(server!.child.pid));
      const id = await server!.api.deploy("bootstrapped", "prod", "1.0.0");
      const first = await waitFor("the deploy command to start", async () => /^start (\S+)$/m.exec(await runsOf("bootstrapped"))?.[1]);
      await server!.kill9(); // already killed by the command; this waits until it is gone
      assert.equal(processesWithEnv("SLIPWAY_DEPLOYMENT_ID", id).length > 0, true, "the command outlived its server");
      await start();
      await assertResumedCleanly("bootstrapped", id, first);
    });
  });
}
