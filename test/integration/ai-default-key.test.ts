import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { callInProcess, generateRequestsFor, questionsRequest, useParams } from "../support/ai";
import { callUntilRefused, reasonOf } from "../support/rate-limits";
import type { GenerateQuestionsResult } from "../../functions/src/contract";

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
  afterEach(() => geminiStandIn().reset());

  const newUser = () => ({ uid: `default-key-${randomUUID()}`, tag: `team-${randomUUID().slice(0, 8)}` });
  const generate = (user: { uid: string; tag: string }) => callInProcess<GenerateQuestionsResult>(generateQuestions, user.uid, questionsRequest(user));

  it("serves a user without a key on the project's key, up to the daily cap, then QUOTA_EXCEEDED until tomorrow", async () => {
    const user = newUser();
    const { refusal, letThrough } = await callUntilRefused({ uid: user.uid, bucket: "default-key-daily", limit: 2 }, async () => {
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

  it("counts the cap per user", async () => {
    const [first, second] = [newUser(), newUser()];
    await generate(first);
    await generate(first);
    assert.equal((await generate(second)).keySource, "default");
  });

  it("reports the project key's own rejection as AI_UNAVAILABLE, not as the user's KEY_INVALID", async () => {
    const user = newUser();
    geminiStandIn().setBehaviour(projectKey, { outcome: "invalid-key" });
    const error: CallFailure = await generate(user).then(() => assert.fail("expected a failure"), (e: CallFailure) => e);
    assert.equal(error.code, "unavailable");
    assert.equal(error.details?.reason, "AI_UNAVAILABLE");
  });
});
