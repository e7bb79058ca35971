import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { deleteExpiredApiKeys } from "../../functions/src/jobs/delete-expired-api-keys";
import { adminDb } from "../support/admin";
import { generateRequestsFor, questionsRequest, userWithKey } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";

const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);
const dayMs = 86_400_000;
const verify = (user: { call: <R>(name: string, data?: unknown) => Promise<R> }) => user.call<{ status: ApiKeyStatus }>("verifyApiKey", {});
const auditOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => `${String(d.get("event"))}:${String(d.get("outcome"))}`).sort();

describe("re-checking a stored key (verifyApiKey)", function () {
  this.timeout(90_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("asks Google about the stored key now, and records active with a fresh verifiedAt", async () => {
    const user = await userWithKey();
    assert.equal((await keyStatusOf(user)).state, "unverified");
    const startedAt = Date.now();

    const { status } = await verify(user);

    assert.equal(status.state, "active");
    assert.ok(status.verifiedAt && Date.parse(status.verifiedAt) >= startedAt - 1000);
    assert.deepEqual(await keyStatusOf(user), status);
    const checks = geminiStandIn().requests.filter((request) => request.apiKey === user.apiKey);
    assert.deepEqual(checks.map((request) => `${request.method} ${request.path}`), ["GET /v1beta/models/gemini-flash-latest"], "a models.get, no tokens spent");
    assert.deepEqual(await auditOf(user.uid), ["set:stored", "verify:valid"]);
  });

  it("records what Google says now: a key it has since refused becomes invalid, a spent one quota_exhausted, and back", async () => {
    const user = await userWithKey();
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "invalid-key" });
    const refused = (await verify(user)).status;
    assert.equal(refused.state, "invalid", "a refusal is a result, not an error");

    geminiStandIn().setBehaviour(user.apiKey, { outcome: "quota" });
    assert.equal((await verify(user)).status.state, "quota_exhausted");

    geminiStandIn().setBehaviour(user.apiKey, { outcome: "ok" });
    assert.equal((await verify(user)).status.state, "active");
    assert.deepEqual(await auditOf(user.uid), ["set:stored", "verify:quota_exhausted", "verify:rejected_by_provider", "verify:valid"]);
  });

  it("changes nothing when Google cannot answer (AI_UNAVAILABLE) or does not serve the model to the key (MODEL_UNAVAILABLE)", async () => {
    const user = await userWithKey();
    const before = await keyStatusOf(user);
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "internal" });
    const unreachable = await assertCallFails(verify(user), { code: "unavailable", reason: "AI_UNAVAILABLE" });
    assert.match(unreachable.message, /Nothing was changed/);
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "model-denied" });
    await assertCallFails(verify(user), { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" });
    assert.deepEqual(await keyStatusOf(user), before);
  });

  it("is KEY_MISSING without a key, and rate-limited to 5 checks in 10 minutes per user", async () => {
    const nobody = await signUpNewUser();
    await assertCallFails(verify(nobody), { code: "failed-precondition", reason: "KEY_MISSING" });

    const user = await userWithKey();
    for (let check = 0; check < 5; check++) await verify(user);
    const error = await assertCallFails(verify(user), { code: "resource-exhausted", reason: "RATE_LIMITED" });
    const retryAfter = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
    assert.ok(retryAfter !== undefined && retryAfter > 0 && retryAfter <= 600);
    assert.equal(geminiStandIn().requests.filter((request) => request.apiKey === user.apiKey).length, 5);
  });

  it("refuses malformed input", async () => {
    const user = await userWithKey();
    await assertCallFails(user.call("verifyApiKey", { provider: "mistral" }), { code: "invalid-argument", reason: "INVALID_INPUT" });
    await assertCallFails(user.call("verifyApiKey", { apiKey: user.apiKey }), { code: "invalid-argument", reason: "INVALID_INPUT" });
  });
});

describe("key expiry chosen by the user (setApiKey's expiresInDays)", function () {
  this.timeout(90_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  /** Moves a stored key's expiry, as the passing of time would. */
  const expireNow = (uid: string) => keyDoc(uid).update({ expiresAt: Timestamp.fromMillis(Date.now() - 1000) });

  it("stores the expiry and reports it as expiresAt", async () => {
    const user = await signUpNewUser();
    const savedAt = Date.now();
    const { status } = await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey(), expiresInDays: 30 });
    const expiresInDays = (Date.parse(status.expiresAt!) - savedAt) / dayMs;
    assert.ok(expiresInDays > 29.99 && expiresInDays < 30.01, `expires in ${expiresInDays} days`);
    assert.deepEqual(await keyStatusOf(user), status);

    const replaced = (await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey() })).status;
    assert.equal(replaced.expiresAt, undefined, "a key saved without expiry never expires");
  });

  it("refuses an expiry outside 1 to 365 days, or not a whole number", async () => {
    const user = await signUpNewUser();
    for (const expiresInDays of [0, 366, 1.5, "30", -1]) {
      await assertCallFails(user.call("setApiKey", { apiKey: fakeGeminiKey(), expiresInDays }), { code: "invalid-argument", reason: "INVALID_INPUT" });
    }
    assert.equal((await keyStatusOf(user)).hasKey, false);
  });

  it("refuses an expired key at use exactly like a removed one (KEY_MISSING), deleting it there and then", async () => {
    const user = await userWithKey();
    await user.call("setApiKey", { apiKey: user.apiKey, verify: false, expiresInDays: 1 });
    await expireNow(user.uid);

    assert.deepEqual(await keyStatusOf(user), { provider: "googleai", hasKey: false });
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_MISSING" });
    await assertCallFails(verify(user), { code: "failed-precondition", reason: "KEY_MISSING" });
    assert.equal(generateRequestsFor(user).length, 0, "Gemini never saw the expired key");
    assert.equal((await keyDoc(user.uid).get()).exists, false);
    assert.ok((await auditOf(user.uid)).includes("expire:deleted"));
  });

  it("is deleted by the scheduled cleanup (deleteExpiredApiKeys), which leaves unexpired keys alone", async () => {
    const expiring = await userWithKey();
    await expiring.call("setApiKey", { apiKey: expiring.apiKey, verify: false, expiresInDays: 7 });
    const later = await signUpNewUser();
    await later.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false, expiresInDays: 7 });
    const never = await userWithKey();
    await expireNow(expiring.uid);

    await deleteExpiredApiKeys.run({ scheduleTime: new Date().toISOString() });

    assert.equal((await keyDoc(expiring.uid).get()).exists, false);
    assert.deepEqual(await auditOf(expiring.uid), ["expire:deleted", "set:replaced", "set:stored"]);
    assert.equal((await keyDoc(later.uid).get()).exists, true);
    assert.equal((await keyDoc(never.uid).get()).exists, true);
  });
});

describe("rotation reminder (KEY_ROTATION_REMINDER_DAYS, 90 by default)", function () {
  this.timeout(60_000);
  after(disposeClients);

  it("says rotationDue once the key is older than the reminder age, and not before", async () => {
    const user = await userWithKey();
    assert.equal((await keyStatusOf(user)).rotationDue, false);

    await keyDoc(user.uid).update({ createdAt: Timestamp.fromMillis(Date.now() - 89 * dayMs) });
    assert.equal((await keyStatusOf(user)).rotationDue, false);
    await keyDoc(user.uid).update({ createdAt: Timestamp.fromMillis(Date.now() - 91 * dayMs) });
    assert.equal((await keyStatusOf(user)).rotationDue, true);

    const { status } = await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    assert.equal(status.rotationDue, false, "a replaced key starts its age again");
  });
});
