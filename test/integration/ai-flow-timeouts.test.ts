import assert from "node:assert/strict";
import { interviewQuestionsFlow } from "../../functions/src/ai/flows/interview-questions";
import { UpstreamCallError } from "../../functions/src/provider-apis/upstream-failure";
import { providerCallContext } from "../../functions/src/ai/user-key-model";
import { providerApiBaseUrl } from "../../functions/src/config";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";

/** The flows run in this process against the stand-in, with a short per-attempt timeout. */
describe("AI flows: a Gemini call that hangs", function () {
  this.timeout(30_000);
  afterEach(() => geminiStandIn().reset());

  const input = { jobTitle: "Data engineer", interviewType: "behavioral" as const, count: 1 };
  const requestsWith = (apiKey: string) => geminiStandIn().requests.filter((request) => request.apiKey === apiKey);

  it("is abandoned at the per-attempt timeout and not sent again (it may have been billed), reported as no_answer", async () => {
    const apiKey = fakeGeminiKey();
    // The stand-in would answer only after this test's own timeout: if the flow settles at all, it did
    // not wait for the answer. No clock is read, so a busy machine cannot make this flaky.
    geminiStandIn().setBehaviour(apiKey, { outcome: "ok", delayMs: 10 * 60_000 });
    const error = await interviewQuestionsFlow
      .run(input, { context: providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey, model: "gemini-flash-latest", timeoutMs: 300, retry: { maxAttempts: 3, baseDelayMs: 10 } }) })
      .then(() => assert.fail("expected a timeout"), (e: unknown) => e);
    assert.ok(error instanceof UpstreamCallError);
    assert.deepEqual(error.failure, { kind: "no_answer" });
    // Cut, not waited for: the stand-in sees the connection close before its answer (within the test's timeout).
    while (!requestsWith(apiKey)[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(requestsWith(apiKey).length, 1, "a timed-out request is not retried");
  });

  it("is cut as soon as the caller's signal aborts, and nothing more is sent", async () => {
    const apiKey = fakeGeminiKey();
    geminiStandIn().setBehaviour(apiKey, { outcome: "ok", delayMs: 60_000 });
    const callerGone = new AbortController();
    const run = interviewQuestionsFlow
      .run(input, { context: providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey, model: "gemini-flash-latest", signal: callerGone.signal }) })
      .then(() => assert.fail("expected the call to be cut"), (e: unknown) => e);
    while (requestsWith(apiKey).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    callerGone.abort();

    const error = await run;
    assert.ok(error instanceof UpstreamCallError);
    assert.deepEqual(error.failure, { kind: "cancelled" });
    while (!requestsWith(apiKey)[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(requestsWith(apiKey).length, 1);
  });
});
