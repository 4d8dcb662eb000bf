/**
 * Finding 3 of issue 10: a small compressed artifact cannot exhaust memory. Pushes of a few
 * megabytes that expand to gigabytes are refused with 413 while the server's resident memory
 * stays far below the expansion and /healthz keeps answering; nothing is stored.
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gzipBomb } from "../../src/supply/testing-bomb.js";
import { rssOf, startChildServer, watchHealth, type ChildServer } from "./support.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** How much the server's RSS may grow while refusing a bomb: far below any bomb's expansion. */
const RSS_GROWTH_BOUND = 400 * MiB;

let child: ChildServer;
before(async () => {
  // The expansion limit lowered to 256 MiB (from 4 GiB), so the refusal comes after 256 MiB of work.
  child = await startChildServer({ SLIPWAY_MAX_ARTIFACT_EXPANDED_BYTES: String(256 * MiB) });
});
after(async () => {
  await child?.cleanup();
});

async function pushWatched(name: string, bytes: Buffer) {
  const { api } = child.server;
  const pid = child.server.child.pid!;
  const baseline = await rssOf(pid);
  let peak = baseline;
  const sampler = setInterval(() => void rssOf(pid).then((r) => (peak = Math.max(peak, r)), () => undefined), 25);
  const health = watchHealth(api.url);
  try {
    const answer = await api.call<{ error: { code: string; message: string; hint: string } }>("PUT", `/artifacts/bomb/${name}`, bytes);
    return { answer, growth: peak - baseline, health };
  } finally {
    clearInterval(sampler);
    await health.stop();
  }
}

const cases: { name: string; what: string; bomb: () => Buffer; message: RegExp }[] = [
  { name: "1.0.0", what: "8 GiB of zeros (ratio over 1000:1)", bomb: () => gzipBomb(8, 1 * GiB), message: /expands more than 1000 times its compressed size|expands to more than 256 MiB/ },
  { name: "1.0.1", what: "4 entries of 128 MiB under the ratio guard", bomb: () => gzipBomb(4, 128 * MiB, 128 * 1024), message: /expands to more than 256 MiB/ },
  { name: "1.0.2", what: "one entry declaring 3 GiB", bomb: () => gzipBomb(1, 3 * GiB), message: /an entry of 3 GiB \(file-0\.bin\), more than the 2 GiB one file may be/ },
];

for (const c of cases) {
  test(`a gzip bomb (${c.what}) is refused with 413 in bounded memory`, { timeout: 180_000 }, async (t) => {
    const bomb = c.bomb();
    assert.ok(bomb.length < 20 * MiB, `the bomb itself is ${bomb.length} bytes`);
    const { answer, growth, health } = await pushWatched(c.name, bomb);
    t.diagnostic(`bomb ${Math.round(bomb.length / MiB)} MiB: answered ${answer.status}, server RSS grew ${Math.round(growth / MiB)} MiB, ${health.polls} health polls`);
    assert.equal(answer.status, 413, answer.text);
    assert.equal(answer.body.error.code, "too_large");
    assert.match(answer.body.error.message, c.message);
    assert.ok(answer.body.error.hint.length > 0);
    assert.doesNotMatch(answer.text, new RegExp(child.dataDir));
    assert.ok(growth < RSS_GROWTH_BOUND, `the server's RSS grew by ${Math.round(growth / MiB)} MiB`);
    assert.deepEqual(health.late, [], `/healthz missed ${health.late.length} of ${health.polls} polls`);
  });
}

test("nothing of the refused bombs is stored or left behind", async () => {
  const { artifacts } = await child.server.api.ok<{ artifacts: unknown[] }>("GET", "/artifacts/bomb");
  assert.deepEqual(artifacts, []);
  const leftovers = [...(await readdir(join(child.dataDir, "tmp")).catch(() => [])), ...(await readdir(join(child.dataDir, "artifacts", "tmp")).catch(() => []))];
  assert.deepEqual(leftovers, []);
});
