import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { apiKeyStatus } from "../../functions/src/callables/api-key-status";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { sharedKeyGuard } from "../../functions/src/limits/shared-key-budget";
import { adminAuth, adminDb } from "../support/admin";
import { waitUntil } from "../support/wait";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { sharedKeyIdentity } from "../../functions/src/ai/shared-key-identity";
import { callInProcess, emailOf, generateRequestsFor, questionsRequest, resetSharedKeyBudget, sharedKeyIdentityTestSecret, useParams } from "../support/ai";
import { callUntilRefused, reasonOf } from "../support/rate-limits";
import type { ApiKeyStatuses, GenerateQuestionsResult } from "../../functions/src/contract";

/**
 * The project-key fallback. ALLOW_DEFAULT_KEY is fixed for a whole emulator run (off there, as by
 * default), so these tests run the real generateQuestions handler in this process with it switched on.
 */

interface CallFailure {
  code?: string;
  message?: string;
  details?: { reason?: string; action?: string; retryAfterSeconds?: number };
}

describe("generateQuestions with the project's default key (handler run in-process)", function () {
  this.timeout(60_000);
  const projectKey = fakeGeminiKey();
  useParams({ ALLOW_DEFAULT_KEY: "true", GEMINI_API_KEY: projectKey, DEFAULT_KEY_DAILY_CAP: "2" });
  beforeEach(resetSharedKeyBudget);
  afterEach(() => geminiStandIn().reset());
  after(resetSharedKeyBudget);

  const newUser = () => ({ uid: `default-key-${randomUUID()}`, tag: `team-${randomUUID().slice(0, 8)}` });
  const generate = (user: { uid: string; tag: string }, claims?: Record<string, unknown>) =>
    callInProcess<GenerateQuestionsResult>(generateQuestions, user.uid, questionsRequest(user), { claims });
  const failureOf = (call: Promise<unknown>): Promise<CallFailure> => call.then(() => assert.fail("expected a failure"), (e: CallFailure) => e);

  it("serves a user without a key on the project's key, up to the daily cap, then QUOTA_EXCEEDED until tomorrow", async () => {
    const user = newUser();
    const identity = sharedKeyIdentity(emailOf(user.uid), sharedKeyIdentityTestSecret);
    const { refusal, letThrough } = await callUntilRefused({ uid: identity, collection: "sharedKeyAllowance", bucket: "default-key-daily", limit: 2 }, async () => {
      const outcome = await generate(user).then((result) => result, (error: unknown) => error);
      if (reasonOf(outcome) === "QUOTA_EXCEEDED") return outcome;
      assert.equal((outcome as GenerateQuestionsResult).keySource, "default");
      return undefined;
    });
    const requests = generateRequestsFor(user);
    assert.equal(requests.length, letThrough, "each call let through reached Gemini once, the capped one never");
    assert.ok(requests.every((request) => request.apiKey === projectKey));

    const error = refusal as CallFailure;
    assert.equal(error.code, "resource-exhausted");
    assert.equal(error.details?.reason, "QUOTA_EXCEEDED");
    const retryAfter = error.details?.retryAfterSeconds ?? 0;
    assert.ok(retryAfter > 0 && retryAfter <= 86_400, "retry after the UTC day ends");
    assert.ok(!error.message?.includes(projectKey));
    // What the web app shows as is: about the shared key's allowance, not "your key has run out of quota".
    assert.match(error.message ?? "", /today's 2 AI requests on the app's shared key/);
    assert.doesNotMatch(error.message ?? "", /Your Gemini key/);
    assert.equal(error.details?.action, "settings", "the way on is a key of one's own");
  });

  it("tells a verified user without a key, through apiKeyStatus, that the shared Gemini key will pay and its daily cap; others that it will not", async () => {
    const user = newUser();
    const statuses = await callInProcess<ApiKeyStatuses>(apiKeyStatus, user.uid, {});
    assert.deepEqual(statuses.sharedKey, { provider: "googleai", dailyCap: 2 });
    const unverified = await callInProcess<ApiKeyStatuses>(apiKeyStatus, newUser().uid, {}, { claims: { email_verified: false } });
    assert.equal(unverified.sharedKey, null);
  });

  it("counts the cap per user", async () => {
    const [first, second] = [newUser(), newUser()];
    await generate(first);
    await generate(first);
    assert.equal((await generate(second)).keySource, "default");
  });

  it("counts the cap per verified address, not per account: deleting the account and signing up again with the same address gets no fresh cap", async () => {
    const address = `Cycler.${randomUUID().slice(0, 8)}@Example.test`;
    const first = newUser();
    const claims = (email: string) => ({ email, email_verified: true, firebase: { sign_in_provider: "password" } });
    await generate(first, claims(address));
    await generate(first, claims(address));
    // The account goes, and the deletion trigger takes its rate-limit documents with it.
    await adminAuth().deleteUser(first.uid);
    await waitUntil("the deleted account's rate-limit documents are gone", async () => (await adminDb().collection(`rateLimits/${first.uid}/buckets`).get()).size === 0);

    for (const again of [address, address.toLowerCase(), address.replace("@", "+again@")]) {
      const next = newUser();
      const error = await failureOf(generate(next, claims(again)));
      assert.equal(error.details?.reason, "QUOTA_EXCEEDED", `a new account for ${again} still has today's cap spent`);
      assert.match(error.message ?? "", /today's 2 AI requests on the app's shared key/);
      assert.equal(generateRequestsFor(next).length, 0);
    }
    const stored = await adminDb().collection("sharedKeyAllowance").get();
    assert.ok(!JSON.stringify(stored.docs.map((doc) => [doc.id, doc.data()])).toLowerCase().includes(address.toLowerCase().split("@")[0]), "the address is not stored");
  });

  describe("without SHARED_KEY_IDENTITY_SECRET", () => {
    useParams({ ALLOW_DEFAULT_KEY: "true", GEMINI_API_KEY: projectKey, SHARED_KEY_IDENTITY_SECRET: "" });

    it("runs nobody on the shared key (KEY_MISSING), rather than counting the cap on something a new account resets", async () => {
      const user = newUser();
      const error = await failureOf(generate(user));
      assert.equal(error.details?.reason, "KEY_MISSING");
      assert.equal(generateRequestsFor(user).length, 0);
    });
  });

  it("reports the project key's own rejection as AI_UNAVAILABLE, not as the user's KEY_INVALID", async () => {
    const user = newUser();
    geminiStandIn().setBehaviour(projectKey, { outcome: "invalid-key" });
    const error: CallFailure = await generate(user).then(() => assert.fail("expected a failure"), (e: CallFailure) => e);
    assert.equal(error.code, "unavailable");
    assert.equal(error.details?.reason, "AI_UNAVAILABLE");
  });

  it("is only for verified, non-anonymous accounts: others get KEY_MISSING saying so, and nothing is sent or counted", async () => {
    const accounts = [
      { email_verified: false, firebase: { sign_in_provider: "password" } },
      { firebase: { sign_in_provider: "anonymous" } },
      { email_verified: true, firebase: { sign_in_provider: "anonymous" } },
    ];
    for (const claims of accounts) {
      const user = newUser();
      const error = await failureOf(generate(user, claims));
      assert.equal(error.code, "failed-precondition");
      assert.equal(error.details?.reason, "KEY_MISSING");
      assert.match(error.message ?? "", /verified email address/);
      assert.equal(generateRequestsFor(user).length, 0);
    }
    assert.equal(await sharedKeyGuard(adminDb()).countToday(), 0, "nothing counted against the project's budget");
  });

  describe("the project-wide daily budget (DEFAULT_KEY_PROJECT_DAILY_BUDGET = 3)", () => {
    useParams({ ALLOW_DEFAULT_KEY: "true", GEMINI_API_KEY: projectKey, DEFAULT_KEY_PROJECT_DAILY_BUDGET: "3" });

    it("serves 3 calls from different users, then refuses everyone with QUOTA_EXCEEDED until midnight, before asking Google", async () => {
      const served = [newUser(), newUser(), newUser()];
      for (const user of served) assert.equal((await generate(user)).keySource, "default");

      for (const user of [newUser(), served[0]]) {
        const error = await failureOf(generate(user));
        assert.equal(error.code, "resource-exhausted");
        assert.equal(error.details?.reason, "QUOTA_EXCEEDED");
        assert.equal(error.details?.action, "settings");
        assert.match(error.message ?? "", /today's limit for all users/);
        assert.ok((error.details?.retryAfterSeconds ?? 0) > 0 && (error.details?.retryAfterSeconds ?? 0) <= 86_400);
        assert.equal(generateRequestsFor(user).length, served.includes(user) ? 1 : 0);
      }
      assert.equal(geminiStandIn().requests.filter((request) => request.apiKey === projectKey).length, 3);
    });
  });

  it("stops asking Google once it keeps answering 429 for the shared key: the breaker opens for everyone", async () => {
    geminiStandIn().setBehaviour(projectKey, { outcome: "generation-quota" });
    for (let call = 0; call < 3; call++) {
      const error = await failureOf(generate(newUser()));
      assert.equal(error.details?.reason, "QUOTA_EXCEEDED");
    }
    const sentBefore = geminiStandIn().requests.length;
    const error = await failureOf(generate(newUser()));
    assert.equal(error.code, "resource-exhausted");
    assert.equal(error.details?.reason, "QUOTA_EXCEEDED");
    assert.match(error.message ?? "", /shared Gemini key is out of quota/);
    const retryAfter = error.details?.retryAfterSeconds ?? 0;
    assert.ok(retryAfter > 0 && retryAfter <= 60, "for Google's retry delay (59 s), at least the breaker's minute");
    assert.equal(geminiStandIn().requests.length, sentBefore, "Google was not asked");
  });
});
