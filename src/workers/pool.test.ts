import assert from "node:assert/strict";
import { test } from "node:test";
import { isSlipwayError } from "../core/index.js";
import { WorkerPool, siblingModule } from "./index.js";

const fixture = siblingModule(import.meta.url, "pool-fixture");

test("a pool runs tasks in worker threads and brings errors back as SlipwayErrors", async () => {
  const pool = new WorkerPool({ size: 2 });
  try {
    const values = await Promise.all([1, 2, 3, 4].map((n) => pool.run<number>({ module: fixture, fn: "square", args: [n] })));
    assert.deepEqual(values, [1, 4, 9, 16]);
    const err = await pool.run({ module: fixture, fn: "refuse", args: ["nope"] }).catch((e: unknown) => e);
    assert.ok(isSlipwayError(err));
    assert.equal(err.code, "bad_input");
    assert.equal(err.message, "nope");
    assert.equal(err.hint, "a hint");
  } finally {
    await pool.close();
  }
});

test("a task that runs too long is stopped, and the pool goes on with a fresh worker", async () => {
  const pool = new WorkerPool({ size: 1, timeoutMs: 2000 });
  try {
    const err = await pool.run({ module: fixture, fn: "spin", args: [] }).catch((e: unknown) => e);
    assert.ok(isSlipwayError(err));
    assert.match(err.message, /took longer than/);
    assert.equal(await pool.run<number>({ module: fixture, fn: "square", args: [3] }), 9);
  } finally {
    await pool.close();
  }
});

test("a full queue refuses at once as busy instead of growing", async () => {
  const pool = new WorkerPool({ size: 1, maxQueued: 1, timeoutMs: 2000 });
  try {
    const first = pool.run({ module: fixture, fn: "sleep", args: [200] });
    const second = pool.run({ module: fixture, fn: "sleep", args: [10] });
    const third = await pool.run({ module: fixture, fn: "sleep", args: [10] }).catch((e: unknown) => e);
    assert.ok(isSlipwayError(third));
    assert.equal(third.code, "unavailable");
    await Promise.all([first, second]);
  } finally {
    await pool.close();
  }
});
