import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isSlipwayError } from "../core/errors.js";
import { createDriverSet, DRIVER_NAMES, ProcessDriver } from "./index.js";

const dataDir = mkdtempSync(join(tmpdir(), "slipway-drivers-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("the driver set gives the driver a target names, one instance per name", () => {
  const drivers = createDriverSet({ dataDir, host: "127.0.0.1" });
  const process = drivers.get("process");
  assert.ok(process instanceof ProcessDriver);
  assert.equal(drivers.get("process"), process);
  assert.ok(DRIVER_NAMES.includes("process"));
});

test("an unknown driver is a bad_input error that lists the known ones", () => {
  const drivers = createDriverSet({ dataDir, host: "127.0.0.1" });
  assert.throws(
    () => drivers.get("kubernetes"),
    (err: unknown) => isSlipwayError(err) && err.code === "bad_input" && /kubernetes/.test(err.message) && /process/.test(err.hint ?? ""),
  );
});

test("the process driver places replicas on its host, on a port free there", async () => {
  const driver = createDriverSet({ dataDir, host: "127.0.0.1" }).get("process");
  const placement = await driver.place({ service: "hello", environment: "dev", version: "1.0.0", target: { driver: "process", replicas: 1 }, occupied: [] });
  assert.equal(placement.host, "127.0.0.1");
  assert.ok(placement.port > 0);
});
