/**
 * Approvals and separation of duties end to end, on SQLite and PostgreSQL: real tokens with
 * roles (created through the token API), real deployments waiting in awaiting_approval, the
 * API's immediate refusals (403 naming the not_by rule), `slipway approve` / `reject`, one
 * person counting once, and an approval expiring on an injected clock (never a sleep).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OffsetClock } from "../../src/core/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, startPlane, type EnvironmentSpec, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd, type Api } from "../helpers/http.js";
import { runCli } from "../helpers/processes.js";
import { actionsOf, HOUR, MINUTE, tokenApi, waitForDetail, waitForState } from "./support.js";

const S = "pay";
const AUTHOR = "alice@example.com";
const env = (approvals: Record<string, unknown>): EnvironmentSpec => ({
  target: { driver: "process", replicas: 1 },
  strategy: { type: "blue-green" },
  requires: { approvals },
});

interface ApprovalAnswer {
  recorded: boolean;
  note: string;
}
interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

for (const dialect of TEST_DIALECTS) {
  describe(`approvals and separation of duties (${dialect})`, () => {
    let fx: PlaneFixture;
    const clock = new OffsetClock();
    let dave: Api; // approver who deploys
    let alice: Api; // approver who authored the commit
    let bob: Api;
    let carol: Api;
    let dan: Api; // a deployer: below the approver role

    before(async () => {
      fx = await startPlane(dialect, { clock });
      await fx.api.apply(
        helloYaml(S, {
          prod: env({ count: 1, not_by: ["deployer", "author"] }),
          dual: env({ count: 2, not_by: ["deployer", "author"], expires: "1h" }),
        }),
      );
      for (const v of ["1.0.0", "1.1.0", "1.2.0"]) await fx.pushHello(S, v, {}, { commit: "0123abcd", author: AUTHOR });
      dave = await tokenApi(fx.api, "dave", "approver");
      alice = await tokenApi(fx.api, AUTHOR, "approver");
      bob = await tokenApi(fx.api, "bob", "approver");
      carol = await tokenApi(fx.api, "carol", "approver", { service: S });
      dan = await tokenApi(fx.api, "dan", "deployer");
    });
    after(async () => {
      await fx?.cleanup();
    });

    const cliAs = (api: Api, args: string[]) => runCli(["--server", fx.plane.url, "--token", api.token, ...args]);
    const approve = (api: Api, id: string, comment?: string) => api.call<ApprovalAnswer & ErrorBody>("POST", `/deployments/${id}/approve`, comment ? { comment } : {});

    test("the deployer's and the author's approvals are refused at once (403 naming not_by); another approver's runs it", async () => {
      const id = await dave.deploy(S, "prod", "1.0.0");
      const waiting = await waitForState(fx.api, id, "awaiting_approval");
      assert.equal(
        waiting.deployment.waitingFor,
        `approvals: 0 of 1 (needs a user with role approver; the deployer dave cannot approve; the author ${AUTHOR} cannot approve); ask a user with role approver other than dave and ${AUTHOR} to run slipway approve ${id}`,
      );

      const own = await approve(dave, id);
      assert.equal(own.status, 403, own.text);
      assert.equal(own.body.error.message, "dave started this deployment and cannot approve it (requires.approvals.not_by: deployer)");
      assert.match(own.body.error.hint!, /separation of duties/);

      const authored = await approve(alice, id);
      assert.equal(authored.status, 403, authored.text);
      assert.equal(authored.body.error.message, `${AUTHOR} authored the commit being deployed and cannot approve it (requires.approvals.not_by: author)`);

      const low = await approve(dan, id);
      assert.equal(low.status, 403, low.text);
      assert.match(low.body.error.message, /^token "dan" \(.*\) cannot approve: that needs the approver role/);

      const stillWaiting = await fx.api.show(id);
      assert.equal(stillWaiting.deployment.state, "awaiting_approval");
      assert.ok(!actionsOf(stillWaiting).includes("approval.recorded"), "refused approvals are not recorded as approvals");

      const byBob = await cliAs(bob, ["approve", id, "--comment", "reviewed the diff"]);
      assert.equal(byBob.code, 0, byBob.stdout + byBob.stderr);
      assert.equal(byBob.stdout, "approved: approvals: 1 of 1 (approved by bob)\n");
      const done = await waitForEnd(fx.api, id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
      const recorded = done.timeline.filter((e) => e.action === "approval.recorded");
      assert.deepEqual(recorded.map((e) => [e.actor, (e.payload as { decision: string; role: string; comment: string }).decision, (e.payload as { role: string }).role, (e.payload as { comment: string }).comment]), [["bob", "approve", "approver", "reviewed the diff"]]);
    });

    test("a rejection by an eligible approver rejects the deployment, with who and why", async () => {
      const id = await dave.deploy(S, "prod", "1.1.0");
      await waitForState(fx.api, id, "awaiting_approval");
      const noComment = await carol.call<ErrorBody>("POST", `/deployments/${id}/reject`, {});
      assert.equal(noComment.status, 400, noComment.text);
      assert.match(noComment.body.error.message, /a rejection needs a comment saying why/);

      const rejected = await cliAs(carol, ["reject", id, "--comment", "not during the sale"]);
      assert.equal(rejected.code, 0, rejected.stdout + rejected.stderr);
      assert.match(rejected.stdout, /^rejected: approvals: rejected by carol at .* UTC: "not during the sale"; 0 of 1/);
      const done = await waitForEnd(fx.api, id);
      assert.equal(done.deployment.state, "rejected", summarize(done));
      assert.match(done.deployment.error!, /^approvals: rejected by carol at \d{4}-\d\d-\d\d \d\d:\d\d UTC: "not during the sale"; 0 of 1 /);
      assert.match(done.deployment.errorHint!, /a rejection stands for this deployment/);
      assert.equal(done.steps.length, 0, "nothing started");
      const late = await approve(bob, id);
      assert.equal(late.status, 409, late.text);
    });

    test("two approvals by one person count once: count 2 stays waiting until a second person approves", async () => {
      const id = await dave.deploy(S, "dual", "1.0.0");
      await waitForState(fx.api, id, "awaiting_approval");
      const first = await approve(bob, id);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.recorded, true);
      assert.match(first.body.note, /^approvals: 1 of 2 \(approved by bob; needs 1 more user with role approver; the deployer dave cannot approve; the author alice@example\.com cannot approve\)/);
      const again = await approve(bob, id);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.recorded, false);
      assert.match(again.body.note, /^bob already approved this deployment; a person counts once\. approvals: 1 of 2 \(approved by bob; /);

      // The executor has looked again (the hold text now names bob) and it still waits.
      const seen = await waitForDetail(fx.api, id, "re-evaluated after bob's approval", (d) => d.deployment.waitingFor?.includes("approved by bob") ?? false);
      assert.equal(seen.deployment.state, "awaiting_approval", summarize(seen));
      assert.match(seen.deployment.waitingFor!, /^approvals: 1 of 2 \(approved by bob; needs 1 more user/);
      assert.equal(seen.timeline.filter((e) => e.action === "approval.recorded").length, 1, "the repeat is not recorded twice");

      const second = await approve(carol, id, "second pair of eyes");
      assert.equal(second.body.recorded, true, second.text);
      assert.equal(second.body.note, "approvals: 2 of 2 (approved by bob, carol)");
      const done = await waitForEnd(fx.api, id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
    });

    test("an expired approval does not count (injected clock); the same person may approve afresh", async () => {
      const id = await dave.deploy(S, "dual", "1.1.0");
      await waitForState(fx.api, id, "awaiting_approval");
      assert.equal((await approve(bob, id)).body.recorded, true);

      clock.jump(HOUR + MINUTE); // approvals in dual last 1h
      const afterExpiry = await approve(carol, id);
      assert.equal(afterExpiry.body.recorded, true, afterExpiry.text);
      assert.match(afterExpiry.body.note, /^approvals: 1 of 2 \(approved by carol; needs 1 more user with role approver; .*; bob's approval expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(approvals last 1h\)\); ask a user with role approver other than dave and alice@example\.com to run slipway approve /);
      const seen = await waitForDetail(fx.api, id, "re-evaluated after the expiry", (d) => d.deployment.waitingFor?.includes("expired") ?? false);
      assert.equal(seen.deployment.state, "awaiting_approval", summarize(seen));

      // bob's approval expired, so approving again is a new approval, not a repeat.
      const renewed = await approve(bob, id, "still good");
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal(renewed.body.recorded, true, renewed.body.note);
      assert.match(renewed.body.note, /^approvals: 2 of 2 \(approved by (bob, carol|carol, bob)\)$/);
      const done = await waitForEnd(fx.api, id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
    });
  });
}
