import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OffsetClock } from "../core/index.js";
import { freshStore, type TestStore } from "../store/testing.js";
import { authenticate, createToken, revokeToken, authenticatedById } from "./auth.js";
import { issueTicket, TICKET_TTL_MS, verifyTicket } from "./sse-ticket.js";

describe("SSE tickets", () => {
  let t: TestStore;
  const clock = new OffsetClock();
  before(async () => (t = await freshStore("sqlite")));
  after(async () => t.cleanup());

  const viewer = async (name: string) => authenticate(t.store, clock, (await createToken(t.store, clock, { name, role: "viewer" })).token);

  test("a ticket stands for its token, for its deployment only", async () => {
    const p = await viewer("vic");
    const { ticket, expiresAt } = await issueTicket(t.store, clock, p, "D1");
    assert.ok(expiresAt > clock.now());
    assert.equal(await verifyTicket(t.store, clock, ticket, "D1"), p.tokenId);
    await assert.rejects(verifyTicket(t.store, clock, ticket, "D2"), { code: "unauthorized" });
  });

  test("a changed ticket, a forged signature or garbage is refused", async () => {
    const p = await viewer("val");
    const { ticket } = await issueTicket(t.store, clock, p, "D1");
    const [body, mac] = ticket.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as { e: number };
    const longer = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3_600_000 })).toString("base64url");
    await assert.rejects(verifyTicket(t.store, clock, `${longer}.${mac}`, "D1"), { code: "unauthorized" });
    await assert.rejects(verifyTicket(t.store, clock, `${body}.${"A".repeat(mac.length)}`, "D1"), { code: "unauthorized" });
    await assert.rejects(verifyTicket(t.store, clock, "not-a-ticket", "D1"), { code: "unauthorized" });
  });

  test("it expires, and revoking its token makes it worthless", async () => {
    const created = await createToken(t.store, clock, { name: "vera", role: "viewer" });
    const p = await authenticate(t.store, clock, created.token);
    const { ticket } = await issueTicket(t.store, clock, p, "D1");
    await revokeToken(t.store, clock, created.id);
    // The signature still checks; the token behind it is refused.
    await assert.rejects(async () => authenticatedById(t.store, clock, await verifyTicket(t.store, clock, ticket, "D1")), { code: "unauthorized" });
    const q = await viewer("vince");
    const fresh = await issueTicket(t.store, clock, q, "D1");
    clock.jump(TICKET_TTL_MS + 1);
    await assert.rejects(verifyTicket(t.store, clock, fresh.ticket, "D1"), { code: "unauthorized" });
  });
});
