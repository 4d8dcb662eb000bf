import assert from "node:assert/strict";
import { test } from "node:test";
import { environmentSchema } from "../core/index.js";
import { planDeploymentSteps } from "./plan.js";

const sshEnv = (strategy: unknown) =>
  environmentSchema.parse({
    target: { driver: "ssh", hosts: ["a", "b", "c", "d"], user: "deploy", key: "agent", known_hosts: "/etc/kh" },
    strategy,
  });

test("a canary over hosts starts that share of the hosts before each traffic step, the first on one host", () => {
  const steps = planDeploymentSteps(sshEnv({ type: "canary", steps: [{ weight: 10, pause: "1m" }, { weight: 50, pause: "1m" }, { weight: 100 }] }), true);
  const starts = steps.filter((s) => s.kind === "start").map((s) => (s as { count: number }).count);
  assert.deepEqual(starts, [1, 2, 4]);
  const kinds = steps.map((s) => s.kind);
  assert.deepEqual(kinds.slice(0, 5), ["start", "wait_ready", "verify", "shift", "analyse"]);
  // Every shift comes after enough hosts are ready for it.
  assert.equal(kinds.indexOf("shift", 5) > kinds.indexOf("start", 5), true);
  assert.deepEqual(kinds.slice(-3), ["verify", "stop_old", "finalize"]);
});

test("a rolling deploy over hosts replaces one batch of hosts at a time", () => {
  const steps = planDeploymentSteps(sshEnv({ type: "rolling", batch: 2 }), true);
  assert.deepEqual(
    steps.filter((s) => s.kind === "start").map((s) => (s as { count: number }).count),
    [2, 4],
  );
});

test("a rolling batch given as a share of the fleet (25%) is rounded up to whole hosts", () => {
  const starts = (batch: unknown) => planDeploymentSteps(sshEnv({ type: "rolling", batch }), true).filter((s) => s.kind === "start").map((s) => (s as { count: number }).count);
  assert.deepEqual(starts("25%"), [1, 2, 3, 4]);
  assert.deepEqual(starts("50%"), [2, 4]);
  assert.deepEqual(starts("30%"), [2, 4], "30% of 4 hosts is 1.2: two at a time");
});

test("a rolling batch of 0% or above 100% is refused with what to write instead", () => {
  for (const batch of ["0%", "150%", "a quarter"]) {
    const parsed = environmentSchema.safeParse({ strategy: { type: "rolling", batch } });
    assert.equal(parsed.success, false, String(batch));
    assert.match(JSON.stringify(parsed.error?.issues), /25%/);
  }
});
