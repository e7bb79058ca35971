import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { activityOf, auditDocument, auditRetentionDays, isExpired } from "../../functions/src/vault/api-key-store";

describe("key records: expiry and what the owner sees of an audit event", () => {
  it("treats a key as expired from its expiry on, and one without expiry never", () => {
    const at = new Date("2026-12-01T12:00:00Z");
    assert.equal(isExpired({ expiresAt: undefined }, at), false);
    assert.equal(isExpired({ expiresAt: new Date(at.getTime() + 1) }, at), false);
    assert.equal(isExpired({ expiresAt: at }, at), true);
    assert.equal(isExpired({ expiresAt: new Date(at.getTime() - 1) }, at), true);
  });

  it("gives every audit event an expireAt for the TTL policy, auditRetentionDays after it", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const document = auditDocument("alice", "googleai", { event: "remove", outcome: "removed" }, now);
    assert.equal((document.expireAt as Timestamp).toMillis() - now.getTime(), auditRetentionDays * 86_400_000);
    assert.deepEqual(Object.keys(document).sort(), ["at", "event", "expireAt", "outcome", "provider", "uid"]);
  });

  it("shows the owner only when, what, how it ended and the state: no uid, provider or retention fields", () => {
    const at = Timestamp.fromDate(new Date("2026-12-01T12:00:00Z"));
    const stored = { uid: "alice", provider: "googleai", event: "use", outcome: "quota_exhausted", state: "quota_exhausted", at, expireAt: at };
    assert.deepEqual(activityOf(stored), { at: "2026-12-01T12:00:00.000Z", event: "use", outcome: "quota_exhausted", state: "quota_exhausted" });
    assert.deepEqual(activityOf({ uid: "alice", event: "remove", outcome: "removed", at }), { at: "2026-12-01T12:00:00.000Z", event: "remove", outcome: "removed" });
  });
});
