import assert from "node:assert/strict";
import { interviewQuestionsFlow } from "../../functions/src/ai/flows/interview-questions";
import { GeminiCallError } from "../../functions/src/ai/gemini-call-error";
import { geminiCallContext } from "../../functions/src/ai/user-key-model";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";

describe("AI flows: a Gemini call that hangs", function () {
  this.timeout(30_000);
  afterEach(() => geminiStandIn().reset());

  it("is abandoned at the per-attempt timeout, retried a bounded number of times, then reported as transient", async () => {
    const apiKey = fakeGeminiKey();
    // The stand-in would answer only after this test's own timeout: if the flow settles at all, it did
    // not wait for the answer. No clock is read, so a busy machine cannot make this flaky.
    geminiStandIn().setBehaviour(apiKey, { outcome: "ok", delayMs: 10 * 60_000 });
    const error = await interviewQuestionsFlow
      .run(
        { jobTitle: "Data engineer", interviewType: "behavioral", count: 1 },
        { context: geminiCallContext({ apiKey, model: "gemini-flash-latest", timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 10 } }) },
      )
      .then(() => assert.fail("expected a timeout"), (e: unknown) => e);
    assert.ok(error instanceof GeminiCallError);
    assert.deepEqual(error.failure, { kind: "transient" });
    assert.equal(geminiStandIn().requests.filter((request) => request.apiKey === apiKey).length, 2);
  });
});
