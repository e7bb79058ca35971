import assert from "node:assert/strict";
import { geminiStandIn } from "../support/hooks";
import { disposeAiClients, generateRequestsFor, questionsRequest, userWithKey } from "./ai-support";

describe("AI callables under concurrency", function () {
  this.timeout(180_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeAiClients);

  it("24 concurrent calls from 4 users: every upstream call carries its own caller's key", async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => userWithKey()));
    const callsPerUser = 6; // within the per-minute limit
    const results = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: callsPerUser }, (_, index) =>
          index % 2 === 0
            ? user.call<{ keySource: string }>("generateQuestions", questionsRequest(user, { count: 1 + (index % 3) }))
            : user.call<{ keySource: string }>("generateFeedback", {
                jobTitle: `Designer (${user.tag})`,
                items: [{ question: `Question ${index}`, answer: "An answer." }],
              }),
        ),
      ),
    );
    assert.equal(results.length, 24);
    assert.ok(results.every((result) => result.keySource === "user"));

    for (const user of users) {
      const requests = generateRequestsFor(user);
      assert.equal(requests.length, callsPerUser, "each call reached Gemini once");
      assert.ok(requests.every((request) => request.apiKey === user.apiKey), "a request for this user carried another key");
    }
    const allKeys = new Set(users.map((user) => user.apiKey));
    assert.ok(geminiStandIn().requests.every((request) => allKeys.has(request.apiKey!)));
  });
});
