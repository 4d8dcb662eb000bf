import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSlipwayError } from "../../core/errors.js";
import { defaultUserName, lookupUser, parseRunUsers, replicaUser } from "./run-user.js";

describe("replica users", () => {
  test("each service gets slipway-<service>, shortened with a hash to a valid user name", () => {
    assert.equal(defaultUserName("checkout"), "slipway-checkout");
    const long = defaultUserName("a-very-long-service-name-that-goes-on-and-on");
    assert.ok(long.length <= 32 && long.startsWith("slipway-a-very"), long);
    assert.notEqual(long, defaultUserName("a-very-long-service-name-that-goes-on-and-on-2"));
  });

  test("the allow-list is service=user, comma-separated or repeated; anything else is bad input", () => {
    assert.deepEqual(parseRunUsers(["checkout=www-data,billing=billing", "checkout=app"]), { checkout: ["www-data", "app"], billing: ["billing"] });
    assert.throws(() => parseRunUsers(["checkout"]), (err) => isSlipwayError(err) && err.code === "bad_input");
    assert.throws(() => parseRunUsers(["checkout=Root;rm"]), (err) => isSlipwayError(err) && err.code === "bad_input");
  });

  test("run.user is refused unless the operator allowed it for that service, and never root", async () => {
    await assert.rejects(replicaUser("checkout", "postgres", {}), /run.user postgres is not allowed for the service checkout/);
    await assert.rejects(replicaUser("checkout", "nobody", { billing: ["nobody"] }), /not allowed for the service checkout/);
    await assert.rejects(replicaUser("checkout", "root", { checkout: ["root"] }), /has the control plane's privileges|does not exist/);
    await assert.rejects(replicaUser("checkout", "no-such-user-here", { checkout: ["no-such-user-here"] }), /does not exist on this host/);
    const nobody = await lookupUser("nobody");
    if (nobody) assert.deepEqual(await replicaUser("checkout", "nobody", { checkout: ["nobody"] }), nobody);
  });
});
