import assert from "node:assert/strict";
import type { Timestamp } from "firebase-admin/firestore";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";
import type { KeyActivityEvent } from "../../functions/src/contract";
import { auditRetentionDays } from "../../functions/src/vault/api-key-store";
import { adminDb } from "../support/admin";
import { questionsRequest, userWithKey } from "../support/ai";
import { assertCallFails, disposeClients, signedOutCaller, signUpNewUser, type Caller } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey, keyShaped } from "../support/keys";

const activityOf = async (caller: Caller, data: unknown = {}) => (await caller.call<{ events: KeyActivityEvent[] }>("apiKeyActivity", data)).events;
const summary = (events: KeyActivityEvent[]) => events.map((e) => `${e.event}:${e.outcome}${"state" in e && e.state ? `(${e.state})` : ""}`);

describe("the user's own key activity (apiKeyActivity)", function () {
  this.timeout(90_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("lists the caller's key events newest first: saved, refused, failed uses, state changes, checks, removal", async () => {
    const user = await userWithKey(); // set:stored (unverified)
    await assertCallFails(user.call("setApiKey", { apiKey: fakeGeminiKey("invalidkey") }), { code: "failed-precondition", reason: "KEY_INVALID" });
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "generation-quota" });
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "ok" });
    await user.call("generateQuestions", questionsRequest(user));
    await user.call("verifyApiKey", {});
    await user.call("removeApiKey", {});

    const events = await activityOf(user);
    assert.deepEqual(summary(events), [
      "remove:removed",
      "verify:valid(active)",
      "state_change:active",
      "use:quota_exhausted(quota_exhausted)",
      "set:rejected_by_provider",
      "set:stored(unverified)",
    ]);
    const times = events.map((event) => Date.parse(event.at));
    assert.ok(times.every((time) => !Number.isNaN(time)));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first");
    for (const event of events) assert.deepEqual(Object.keys(event).filter((k) => !["at", "event", "outcome", "state"].includes(k)), []);
    assert.ok(!keyShaped.test(JSON.stringify(events)), "never a key");
    assert.ok(!JSON.stringify(events).includes(user.apiKey.slice(-4)), "not even the hint");
  });

  it("never shows another user's events, and honours limit (default 20, at most 50)", async () => {
    const alice = await signUpNewUser();
    const bob = await signUpNewUser();
    for (let save = 0; save < 3; save++) await alice.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    await bob.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });

    assert.deepEqual(summary(await activityOf(bob)), ["set:stored(unverified)"]);
    assert.deepEqual(summary(await activityOf(alice, { limit: 2 })), ["set:replaced(unverified)", "set:replaced(unverified)"]);
    assert.equal((await activityOf(alice)).length, 3);
    assert.deepEqual(await activityOf(await signUpNewUser()), []);

    for (const data of [{ limit: 0 }, { limit: 51 }, { limit: 2.5 }, { provider: "mistral" }, { uid: bob.uid }]) {
      await assertCallFails(alice.call("apiKeyActivity", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
    }
    await assertCallFails(signedOutCaller().call("apiKeyActivity", {}), { code: "unauthenticated" });
  });

  it("stores every audit event with an expireAt for the TTL policy, about 400 days ahead", async () => {
    const user = await signUpNewUser();
    await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    await user.call("removeApiKey", {});
    const audit = await adminDb().collection("apiKeyAudit").where("uid", "==", user.uid).get();
    assert.equal(audit.size, 2);
    for (const event of audit.docs) {
      const days = ((event.get("expireAt") as Timestamp).toMillis() - Date.now()) / 86_400_000;
      assert.ok(Math.abs(days - auditRetentionDays) < 0.01, `expires in ${days} days`);
    }
  });

  it("has its TTL policy and index declared in firestore.indexes.json", () => {
    const declared = JSON.parse(readFileSync(join(repoRoot, "firestore.indexes.json"), "utf8")) as {
      indexes: { collectionGroup: string; fields: { fieldPath: string; order?: string }[] }[];
      fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: { queryScope?: string; order?: string }[] }[];
    };
    assert.ok(declared.fieldOverrides.some((o) => o.collectionGroup === "apiKeyAudit" && o.fieldPath === "expireAt" && o.ttl === true));
    assert.ok(
      declared.indexes.some(
        (index) =>
          index.collectionGroup === "apiKeyAudit" &&
          JSON.stringify(index.fields) ===
            JSON.stringify([
              { fieldPath: "uid", order: "ASCENDING" },
              { fieldPath: "provider", order: "ASCENDING" },
              { fieldPath: "at", order: "DESCENDING" },
            ]),
      ),
      "the composite index apiKeyActivity's query needs",
    );
    const expiresAt = declared.fieldOverrides.find((o) => o.collectionGroup === "providers" && o.fieldPath === "expiresAt");
    assert.ok(expiresAt?.indexes.some((i) => i.queryScope === "COLLECTION_GROUP" && i.order === "ASCENDING"), "the expiry cleanup's collection-group index");
  });
});
