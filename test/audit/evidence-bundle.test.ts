/**
 * Evidence bundles on SQLite and PostgreSQL: a recorded history (with gate decisions, an
 * approval and an override, interleaved with other services' events) is exported, verifies
 * offline, and any changed byte, or any consistent-looking forgery short of rewriting the
 * chain to its head, fails verification.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  evidenceBundleDigest,
  exportEvidenceBundle,
  GENESIS_HASH,
  hashEvent,
  serializeEvidenceBundle,
  verifyAuditChain,
  verifyEvidenceBundle,
  verifyEvidenceBundleBytes,
  type EvidenceBundle,
} from "../../src/audit/index.js";
import { ManualClock } from "../../src/core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../../src/store/testing.js";
import { applyService, noise, seedDeployment } from "./history.js";

/** A small deterministic PRNG (mulberry32), so a failing position can be reproduced. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clone = (b: EvidenceBundle): EvidenceBundle => JSON.parse(JSON.stringify(b)) as EvidenceBundle;
/** What a forger who knows the format does after an edit: recompute the bundle digest. */
const redigest = (b: EvidenceBundle): EvidenceBundle => ({ ...b, bundleDigest: evidenceBundleDigest(b) });

for (const dialect of TEST_DIALECTS) {
  describe(`evidence bundles (${dialect})`, () => {
    let t: TestStore;
    let clock: ManualClock;
    let governedId: string;
    let rolledBackId: string;
    let bundle: EvidenceBundle;
    let text: string;

    before(async () => {
      t = await freshStore(dialect);
      clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
      await applyService(t.store, clock, "shop", ["dev", "prod"]);
      await noise(t.store, clock, 5);
      await seedDeployment(t.store, clock, { service: "shop", environment: "prod", version: "1.0.0", interleave: () => noise(t.store, clock, 1) });
      governedId = await seedDeployment(t.store, clock, {
        service: "shop",
        environment: "prod",
        version: "1.1.0",
        previous: "1.0.0",
        actor: "dave",
        reason: "fix the checkout total (INC-41)",
        governed: true,
        interleave: () => noise(t.store, clock, 2),
      });
      rolledBackId = await seedDeployment(t.store, clock, { service: "shop", environment: "prod", version: "1.2.0", previous: "1.1.0", end: "rolled_back" });
      await noise(t.store, clock, 3);
      bundle = await exportEvidenceBundle(t.store, governedId, { clock, actor: "auditor" });
      text = serializeEvidenceBundle(bundle);
    });
    after(() => t.cleanup());

    test("the bundle carries the summary, the evidence and a chain segment up to the head", async () => {
      assert.equal(bundle.format, "slipway.evidence/v1");
      assert.equal(bundle.service, "shop");
      assert.equal(bundle.environment, "prod");
      assert.equal(bundle.generatedBy, "auditor");
      assert.equal(bundle.deployment.state, "succeeded");
      assert.equal(bundle.deployment.previousVersion, "1.0.0");
      assert.equal(bundle.artifact.version, "1.1.0");
      assert.equal(bundle.artifact.commit, "a1b2c3d4e5f6");
      assert.equal(bundle.artifact.author, "carol@example.com");
      assert.equal(bundle.artifact.digest, bundle.deployment.digest);
      assert.deepEqual({ actor: bundle.deployedBy.actor, reason: bundle.deployedBy.reason }, { actor: "dave", reason: "fix the checkout total (INC-41)" });
      assert.deepEqual(bundle.gates.map((g) => [g.verdict, g.gate, g.passed, g.decision, g.reason, g.remedy, g.overridden]), [
        ["wait", "approvals", false, "wait", "0 of 1", "needs a user with role approver", false],
        ["wait", "window", true, "pass", "outside Mon-Thu 09:00-16:00 Europe/Berlin", null, true],
        ["pass", "approvals", true, "pass", "1 of 1 (bob)", null, false],
        ["pass", "window", true, "pass", "outside Mon-Thu 09:00-16:00 Europe/Berlin", null, true],
        [null, "signature", true, "passed", "signed by release-key", null, false],
      ]);
      assert.deepEqual(bundle.approvals.map((a) => [a.approver, a.decision, a.role, a.comment]), [["bob", "approve", "approver", "looks good"]]);
      assert.deepEqual(bundle.overrides.map((o) => [o.actor, o.what, o.reason]), [["admin", ["window", "freeze"], "hotfix for INC-42"]]);
      assert.deepEqual(bundle.states.map((s) => s.to), ["running", "succeeded"]);
      assert.equal(bundle.verification.steps.length, 3);
      assert.deepEqual(bundle.verification.decisions[0]?.numbers, { canary: 0.002, max: 0.05, requests: 412 });
      // The segment starts at the artifact push (before the deployment) and ends at the head.
      const head = await t.store.db.selectFrom("audit_head").selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(bundle.chain.head, { seq: Number(head.last_seq), hash: head.last_hash });
      assert.equal(bundle.chain.to, Number(head.last_seq));
      const first = bundle.chain.events[0]!;
      assert.equal(first.action, "artifact.pushed");
      assert.equal(first.subject, "artifact/shop/1.1.0");
      assert.equal(bundle.chain.events.length, bundle.chain.to - bundle.chain.from + 1);
      // Evidence: its own events, the artifact push, nothing of other deployments.
      const evidence = bundle.chain.events.filter((e) => bundle.chain.evidenceSeqs.includes(e.seq));
      assert.ok(evidence.every((e) => e.subject === `deployment/${governedId}` || e.subject === "artifact/shop/1.1.0" || e.subject === "service/shop" || (e.payload as { deploymentId?: string }).deploymentId === governedId));
      assert.ok(evidence.some((e) => e.subject === "policy/signature"), "an event that names the deployment in its payload is evidence");
      assert.ok(!evidence.some((e) => e.subject === `deployment/${rolledBackId}`));
      assert.ok(evidence.some((e) => e.action === "approval.recorded"));
      assert.deepEqual(await verifyAuditChain(t.store.db), { ok: true, checked: Number(head.last_seq) });
    });

    test("an exported bundle verifies offline, from its bytes and from its value", () => {
      assert.deepEqual(verifyEvidenceBundle(bundle).problems, []);
      const result = verifyEvidenceBundleBytes(Buffer.from(text));
      assert.deepEqual(result.problems, []);
      assert.equal(result.ok, true);
      assert.equal(result.summary?.deployment, governedId);
      // A bundle survives the HTTP round trip: what the API sends re-serializes to the same bytes.
      assert.equal(serializeEvidenceBundle(JSON.parse(JSON.stringify(bundle))), text);
    });

    test("changing any single byte fails verification: 50 random positions", () => {
      const bytes = Buffer.from(text);
      const random = prng(20260302);
      for (let i = 0; i < 50; i++) {
        const pos = Math.floor(random() * bytes.length);
        const copy = Buffer.from(bytes);
        copy[pos] = (copy[pos]! + 1 + Math.floor(random() * 254)) % 256;
        assert.notEqual(copy[pos], bytes[pos]);
        const result = verifyEvidenceBundleBytes(copy);
        assert.equal(result.ok, false, `byte ${pos} (${JSON.stringify(text.slice(Math.max(0, pos - 20), pos + 20))}) changed, yet the bundle verified`);
        assert.ok(result.problems.length > 0);
      }
    });

    test("changing one byte inside each top-level member fails verification, naming what broke", () => {
      const keys = Object.keys(bundle);
      assert.ok(keys.length >= 15);
      for (const key of keys) {
        const at = text.indexOf(`\n  "${key}": `);
        assert.ok(at >= 0, key);
        // The first byte of the member's value; for strings, the first character inside the quotes.
        let pos = at + `\n  "${key}": `.length;
        if (text[pos] === '"') pos++;
        if (text[pos] === "{" || text[pos] === "[") pos = text.indexOf(":", pos) + 2; // into the first member of an object
        const copy = Buffer.from(text);
        copy[pos] = copy[pos] === 0x31 ? 0x32 : 0x31; // '1' <-> something else
        const result = verifyEvidenceBundleBytes(copy);
        assert.equal(result.ok, false, `changing ${key} at ${pos} went unnoticed`);
      }
      // And a changed key name, a re-indented file, a compact file, a missing final newline.
      assert.equal(verifyEvidenceBundleBytes(Buffer.from(text.replace('"generatedBy"', '"generatedBx"'))).ok, false);
      assert.equal(verifyEvidenceBundleBytes(Buffer.from(text.replace('\n  "format"', '\n   "format"'))).ok, false);
      const compact = verifyEvidenceBundleBytes(Buffer.from(JSON.stringify(bundle)));
      assert.equal(compact.ok, false);
      assert.match(compact.problems[0] ?? "", /canonical layout/);
      assert.equal(verifyEvidenceBundleBytes(Buffer.from(text.trimEnd())).ok, false);
      const broken = verifyEvidenceBundleBytes(Buffer.from(text.slice(0, 100)));
      assert.match(broken.invalid ?? "", /not valid JSON/);
    });

    test("a forger who recomputes the digest is caught by the event hashes, the links and the summary", () => {
      const created = bundle.chain.events.find((e) => e.action === "deployment.created" && e.subject === `deployment/${governedId}`)!;
      const idxOf = (seq: number) => bundle.chain.events.findIndex((e) => e.seq === seq);

      // Edit an event's content: its hash no longer matches.
      let b = clone(bundle);
      (b.chain.events[idxOf(created.seq)]!.payload as { reason: string }).reason = "routine";
      b.deployedBy.reason = "routine";
      let problems = verifyEvidenceBundle(redigest(b)).problems;
      assert.ok(problems.some((p) => p.includes(`event ${created.seq} (deployment.created): hash does not match`)), problems.join("\n"));

      // ...and re-hash that event: the next event no longer links to it.
      const e = b.chain.events[idxOf(created.seq)]!;
      e.hash = hashEvent(e.prevHash, e);
      problems = verifyEvidenceBundle(redigest(b)).problems;
      assert.ok(problems.some((p) => p.includes(`does not link to event ${created.seq}`)), problems.join("\n"));

      // Drop the approval (and its summary): the segment has a hole.
      b = clone(bundle);
      const approval = b.chain.events.find((x) => x.action === "approval.recorded")!;
      b.chain.events = b.chain.events.filter((x) => x.seq !== approval.seq);
      b.approvals = [];
      b.chain.evidenceSeqs = b.chain.evidenceSeqs.filter((s) => s !== approval.seq);
      b.timeline = b.timeline.filter((x) => x.seq !== approval.seq);
      problems = verifyEvidenceBundle(redigest(b)).problems;
      assert.ok(problems.some((p) => p.includes("not contiguous")), problems.join("\n"));

      // Summaries that say something the events do not.
      for (const [what, edit] of [
        ["approvals", (x: EvidenceBundle) => (x.approvals[0]!.approver = "mallory")],
        ["gates", (x: EvidenceBundle) => (x.gates[0]!.decision = "pass")],
        ["overrides", (x: EvidenceBundle) => (x.overrides = [])],
        ["deployedBy", (x: EvidenceBundle) => (x.deployedBy.actor = "mallory")],
        ["deployment.state", (x: EvidenceBundle) => (x.deployment.state = "rolled_back")],
        ["deployment.digest", (x: EvidenceBundle) => (x.deployment.digest = "f".repeat(64))],
        ["artifact.commit", (x: EvidenceBundle) => (x.artifact.commit = "deadbeef")],
        ["artifact.author", (x: EvidenceBundle) => (x.artifact.author = "mallory@example.com")],
        ["evidenceSeqs", (x: EvidenceBundle) => x.chain.evidenceSeqs.pop()],
        ["chain.head", (x: EvidenceBundle) => (x.chain.head.hash = "0".repeat(64))],
        ["step", (x: EvidenceBundle) => (x.verification.steps[0]!.state = "failed")],
      ] as const) {
        const forged = clone(bundle);
        edit(forged);
        const result = verifyEvidenceBundle(redigest(forged));
        assert.equal(result.ok, false, `${what} forgery went unnoticed`);
        assert.ok(result.problems.some((p) => p.includes(what.split(".")[0]!)), `${what}: ${result.problems.join("\n")}`);
      }
    });

    test("only a rewrite of every event to the head verifies, and then its head differs from the log's", () => {
      const b = clone(bundle);
      const created = b.chain.events.findIndex((e) => e.action === "deployment.created" && e.subject === `deployment/${governedId}`);
      (b.chain.events[created]!.payload as { reason: string }).reason = "routine";
      b.deployedBy.reason = "routine";
      for (let i = created; i < b.chain.events.length; i++) {
        const e = b.chain.events[i]!;
        if (i > created) e.prevHash = b.chain.events[i - 1]!.hash;
        e.hash = hashEvent(e.prevHash, e);
      }
      b.chain.head.hash = b.chain.events[b.chain.events.length - 1]!.hash;
      const forged = redigest(b);
      assert.equal(verifyEvidenceBundle(forged).ok, true);
      // The anchor: the live log's event at head.seq has the real hash, not the forged one.
      assert.notEqual(forged.chain.head.hash, bundle.chain.head.hash);
    });

    test("a bundle that starts at the first event links to the genesis hash", async () => {
      const t2 = await freshStore(dialect);
      try {
        const c = new ManualClock();
        const id = await seedDeployment(t2.store, c, { service: "solo", environment: "dev", version: "0.1.0", reason: null });
        const b = await exportEvidenceBundle(t2.store, id, { clock: c });
        assert.equal(b.chain.from, 1);
        assert.equal(b.chain.events[0]!.prevHash, GENESIS_HASH);
        assert.equal(b.deployedBy.reason, null);
        assert.deepEqual(verifyEvidenceBundleBytes(Buffer.from(serializeEvidenceBundle(b))).problems, []);
        const bad = clone(b);
        bad.chain.events[0]!.prevHash = "1".repeat(64);
        assert.ok(verifyEvidenceBundle(redigest(bad)).problems.some((p) => p.includes("start of the chain")));
      } finally {
        await t2.cleanup();
      }
    });

    test("an in-flight and a rolled-back deployment export and verify too; an unknown id is a 404", async () => {
      const rolled = await exportEvidenceBundle(t.store, rolledBackId, { clock });
      assert.equal(rolled.deployment.state, "rolled_back");
      assert.deepEqual(rolled.states.map((s) => s.to), ["running", "rolling_back", "rolled_back"]);
      assert.equal(rolled.states[1]?.error, "readiness failed");
      assert.deepEqual(verifyEvidenceBundle(rolled).problems, []);
      const inflight = await seedDeployment(t.store, clock, { service: "shop", environment: "dev", version: "1.2.0", end: "running" });
      const b = await exportEvidenceBundle(t.store, inflight, { clock });
      assert.equal(b.deployment.state, "running");
      assert.deepEqual(verifyEvidenceBundle(b).problems, []);
      await assert.rejects(exportEvidenceBundle(t.store, "NOPE"), /no deployment NOPE/);
    });
  });
}

test("verifyEvidenceBundle refuses what is not a bundle", () => {
  assert.deepEqual(verifyEvidenceBundle(null).problems, ["the bundle is not a JSON object"]);
  assert.match(verifyEvidenceBundle({ format: "other/v9" }).problems[0] ?? "", /this verifier reads slipway\.evidence\/v1/);
  const r = verifyEvidenceBundle({ format: "slipway.evidence/v1" });
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.includes("bundleDigest")));
  assert.ok(r.problems.some((p) => p.includes("chain is missing")));
  assert.equal(verifyEvidenceBundleBytes(Buffer.from([0xff, 0xfe, 0x7b])).invalid, "the file is not valid UTF-8");
});
