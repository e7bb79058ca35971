import assert from "node:assert/strict";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { assertCallFails, disposeClients, keyStatusOf, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { generateRequestsFor, questionsRequest, userWithKey } from "../support/ai";

/** The daily limit a user sets on AI calls with their own key, through the emulators. */
describe("setDailyLimit and the own key's daily count", function () {
  this.timeout(90_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  // The count is per UTC day: a test that straddled midnight would see it reset halfway.
  before(async () => {
    const msToMidnight = 86_400_000 - (Date.now() % 86_400_000);
    if (msToMidnight < 60_000) await new Promise((resolve) => setTimeout(resolve, msToMidnight + 1_000));
  });

  const setLimit = async (user: { call: <R>(name: string, data?: unknown) => Promise<R> }, dailyLimit: number | null) =>
    (await user.call<{ status: ApiKeyStatus }>("setDailyLimit", { dailyLimit })).status;

  it("is KEY_MISSING without a stored key: the limit belongs to one", async () => {
    const user = await signUpNewUser();
    await assertCallFails(user.call("setDailyLimit", { dailyLimit: 5 }), { code: "failed-precondition", reason: "KEY_MISSING" });
  });

  it("refuses what is not a whole number from 1 to 10,000, or null", async () => {
    const user = await userWithKey();
    for (const data of [{}, { dailyLimit: 0 }, { dailyLimit: 10_001 }, { dailyLimit: 2.5 }, { dailyLimit: "5" }, { dailyLimit: 5, extra: true }]) {
      await assertCallFails(user.call("setDailyLimit", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
    }
    assert.equal((await keyStatusOf(user)).dailyLimit, undefined);
  });

  it("counts calls on the key (\"2 of 2 today\"), refuses the next before Gemini is asked, and lets calls through once cleared", async () => {
    const user = await userWithKey();
    assert.deepEqual(
      { dailyLimit: (await setLimit(user, 2)).dailyLimit, callsToday: (await keyStatusOf(user)).callsToday },
      { dailyLimit: 2, callsToday: 0 },
    );
    for (let call = 0; call < 2; call++) await user.call("generateQuestions", questionsRequest(user));
    const afterTwo = await keyStatusOf(user);
    assert.deepEqual([afterTwo.callsToday, afterTwo.dailyLimit], [2, 2]);

    const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
    assert.match(error.message, /today's 2 AI requests your daily limit allows/);
    const details = error.details as { action?: string; retryAfterSeconds?: number };
    assert.equal(details.action, "settings");
    assert.ok(details.retryAfterSeconds! > 0 && details.retryAfterSeconds! <= 86_400);
    assert.equal(generateRequestsFor(user).length, 2, "the refused call never reached Gemini");
    assert.equal((await keyStatusOf(user)).state, "active", "the key's own state is not touched (not quota_exhausted)");

    const cleared = await setLimit(user, null);
    assert.equal(cleared.dailyLimit, undefined);
    assert.equal(cleared.callsToday, 2, "a refused call is not counted");
    await user.call("generateQuestions", questionsRequest(user));
    assert.equal((await keyStatusOf(user)).callsToday, 3);
  });

  it("keeps the limit when the key is replaced, and drops it with the key", async () => {
    const user = await userWithKey();
    await setLimit(user, 7);
    const replaced = (await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey(), verify: false })).status;
    assert.equal(replaced.dailyLimit, 7);
    assert.equal(replaced.callsToday, 0);

    await user.call("removeApiKey", {});
    const again = (await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey(), verify: false })).status;
    assert.equal(again.dailyLimit, undefined);
  });
});
