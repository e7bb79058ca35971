import assert from "node:assert/strict";
import { generateFeedback } from "../../functions/src/callables/generate-feedback";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { geminiStandIn } from "../support/hooks";
import { callInProcess, generateRequestsFor, questionsRequest, useParams, userWithKey, type AiCaller } from "../support/ai";
import { disposeClients } from "../support/firebase-client";

describe("AI callables under concurrency", function () {
  this.timeout(180_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  const feedbackRequest = (user: Pick<AiCaller, "tag">, index: number) => ({
    jobTitle: `Designer (${user.tag})`,
    items: [{ question: `Question ${index}`, answer: "An answer." }],
  });

  it("20 concurrent calls from 4 users through the emulator: every upstream call carries its own caller's key", async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => userWithKey()));
    const callsPerUser = 5; // within the per-minute limit
    const results = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: callsPerUser }, (_, index) =>
          index % 2 === 0
            ? user.call<{ keySource: string }>("generateQuestions", questionsRequest(user, { count: 1 + (index % 3) }))
            : user.call<{ keySource: string }>("generateFeedback", feedbackRequest(user, index)),
        ),
      ),
    );
    assert.equal(results.length, 20);
    assert.ok(results.every((result) => result.keySource === "user"));

    for (const user of users) {
      const requests = generateRequestsFor(user);
      assert.equal(requests.length, callsPerUser, "each call reached Gemini once");
      assert.ok(requests.every((request) => request.apiKey === user.apiKey), "a request for this user carried another key");
    }
    // And the other way round: whatever carried one of these keys was that key owner's request.
    for (const request of geminiStandIn().requests) {
      const owner = users.find((user) => user.apiKey === request.apiKey);
      if (owner) assert.ok(JSON.stringify(request.body).includes(owner.tag), "a key was used for another user's request");
    }
  });

  describe("in one instance (handlers run in-process, as Cloud Run serves concurrent requests)", () => {
    useParams({});

    it("40 concurrent calls from 5 users sharing one Genkit instance and data-key cache never mix keys", async () => {
      const users = await Promise.all(Array.from({ length: 5 }, () => userWithKey()));
      const callsPerUser = 8;
      const results = await Promise.all(
        users.flatMap((user) =>
          Array.from({ length: callsPerUser }, (_, index) =>
            index % 2 === 0
              ? callInProcess<{ keySource: string }>(generateQuestions, user.uid, questionsRequest(user, { count: 1 + (index % 3) }))
              : callInProcess<{ keySource: string }>(generateFeedback, user.uid, feedbackRequest(user, index)),
          ),
        ),
      );
      assert.equal(results.length, 40);
      for (const user of users) {
        const requests = generateRequestsFor(user);
        assert.equal(requests.length, callsPerUser);
        assert.ok(requests.every((request) => request.apiKey === user.apiKey), "a request for this user carried another key");
      }
    });
  });
});
