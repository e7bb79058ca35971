import assert from "node:assert/strict";
import { assertCallFails, signedOutCaller } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { assertNoKeyIn, generateRequestsFor, signUpAiCaller, userWithKey, type AiCaller } from "../support/ai";
import { disposeClients, keyStatusOf } from "../support/firebase-client";
import type { GenerateFeedbackResult } from "../../functions/src/contract";

const feedbackRequest = (user: Pick<AiCaller, "tag">, itemCount = 2) => ({
  jobTitle: `Product manager (${user.tag})`,
  items: Array.from({ length: itemCount }, (_, index) => ({
    question: `Question ${index + 1}: tell me about a launch that went wrong.`,
    answer: "We shipped late, so I set up a weekly risk review and we hit the next date.",
  })),
});

describe("generateFeedback", function () {
  this.timeout(120_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("refuses a signed-out caller", async () => {
    await assertCallFails(signedOutCaller().call("generateFeedback", feedbackRequest({ tag: "x" })), { code: "unauthenticated" });
  });

  it("keeps each question's id through to its feedback, so two identical questions stay apart", async () => {
    const user = await userWithKey();
    const question = `Why this role? (${user.tag})`;
    const request = {
      jobTitle: `Designer (${user.tag})`,
      items: [
        { questionId: "q1", question, answer: "Because I like the product." },
        { questionId: "q3", question, answer: "Because of the team I met." },
        { question: "A question from an older client, without an id.", answer: "Still answered." },
      ],
    };
    const result = await user.call<GenerateFeedbackResult>("generateFeedback", request);

    assert.deepEqual(result.items.map((item) => item.questionId), ["q1", "q3", undefined]);
    assert.deepEqual(result.items.map((item) => item.question), request.items.map((item) => item.question));
  });

  it("scores each answer on the caller's own key, in order, with the questions as asked", async () => {
    const user = await userWithKey();
    const request = feedbackRequest(user, 3);
    const result = await user.call<GenerateFeedbackResult>("generateFeedback", request);

    assert.equal(result.keySource, "user");
    assert.ok(Number.isInteger(result.overallScore) && result.overallScore >= 0 && result.overallScore <= 100);
    assert.ok(result.summary.length > 0);
    assert.deepEqual(result.items.map((item) => item.question), request.items.map((item) => item.question));
    for (const item of result.items) {
      assert.ok(item.score >= 0 && item.score <= 100);
      assert.ok(Array.isArray(item.strengths) && Array.isArray(item.improvements));
    }
    const requests = generateRequestsFor(user);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].apiKey, user.apiKey);
    assert.equal((await keyStatusOf(user)).usageCount, 1);
  });

  it("streams progress, then the same result", async () => {
    const user = await userWithKey();
    const { chunks, result } = await user.stream<GenerateFeedbackResult>("generateFeedback", feedbackRequest(user, 1));
    assert.deepEqual(chunks.map((chunk) => chunk.step), ["key", "generating"]);
    assert.equal(result.items.length, 1);
  });

  it("rejects invalid input before calling Gemini", async () => {
    const user = await userWithKey();
    // Only this test's requests count: in a --grep subset, earlier files' tests leave theirs recorded.
    const sentBefore = geminiStandIn().requests.length;
    const item = { question: "Why us?", answer: "Because." };
    for (const data of [
      { jobTitle: "PM", items: [] },
      { jobTitle: "PM", items: Array(11).fill(item) },
      { jobTitle: "PM", items: [{ ...item, answer: "x".repeat(4_001) }] },
      { jobTitle: "PM", items: [{ question: "Why us?" }] },
      { items: [item] },
    ]) {
      await assertCallFails(user.call("generateFeedback", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
    }
    assert.deepEqual(geminiStandIn().requests.slice(sentBefore), []);
  });

  it("is KEY_MISSING without a key", async () => {
    const user = await signUpAiCaller();
    await assertCallFails(user.call("generateFeedback", feedbackRequest(user)), { code: "failed-precondition", reason: "KEY_MISSING" });
  });

  it("maps a rejected key to KEY_INVALID and marks it invalid", async () => {
    const user = await userWithKey("suspended");
    const error = await assertCallFails(user.call("generateFeedback", feedbackRequest(user)), { code: "failed-precondition", reason: "KEY_INVALID" });
    assertNoKeyIn(error);
    assert.equal((await keyStatusOf(user)).state, "invalid");
  });
});
