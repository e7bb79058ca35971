import assert from "node:assert/strict";
import { generateFeedback } from "../../functions/src/callables/generate-feedback";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { geminiStandIn } from "../support/hooks";
import { callInProcess, generateRequestsFor, questionsRequest, useParams, userWithKey, type AiCaller } from "../support/ai";
import { disposeClients } from "../support/firebase-client";
import { warmEmulatorWorkers } from "../support/emulator-workers";

/**
 * What the functions emulator promises about concurrency (firebase-tools 15.34,
 * lib/emulator/functionsRuntimeWorker.js and functionsEmulator.js):
 * - each function runs in worker processes of its own (RuntimeWorkerPool keys them by function), and
 *   a worker takes ONE request at a time (IDLE → BUSY → IDLE);
 * - a request that finds no idle worker of its function starts a new Node process for it
 *   (handleHttpsTrigger → startRuntime), which must load the functions within FUNCTIONS_DISCOVERY_TIMEOUT (30 s by default; dev/run.ts gives 180)
 *   (waitForSocketReady), or the request is dropped unanswered and the
 *   caller sees deadline-exceeded;
 * - workers are never stopped while the emulator runs, and an idle one is reused first.
 * So N calls at once start N cold processes together, each loading the AI stack (Genkit, the Gemini
 * plugin) on its first call. On a busy 2-core machine that burst is what missed the limit.
 * Here the workers are warmed first, one cold start at a time, and calls then keep fewer requests in
 * flight per function than there are warm workers, so every call lands on a warm worker. (Concurrency
 * inside one instance, where keys could really mix, is what the in-process test below covers.)
 */
const warmWorkersPerFunction = 3;
/** One less than the warm workers: a spare covers the moment between a caller getting its answer and the emulator marking that worker idle. */
const callsInFlightPerFunction = warmWorkersPerFunction - 1;

/** Runs `tasks` in order with at most `limit` of them in flight; results in the order of `tasks`. */
async function withConcurrency<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

describe("AI callables under concurrency", function () {
  this.timeout(180_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  const feedbackRequest = (user: Pick<AiCaller, "tag">, index: number) => ({
    jobTitle: `Designer (${user.tag})`,
    items: [{ question: `Question ${index}`, answer: "An answer." }],
  });

  it(`20 calls from 4 users through the emulator, ${2 * callsInFlightPerFunction} at a time on warm workers: every upstream call carries its own caller's key`, async () => {
    await warmEmulatorWorkers(["generateQuestions", "generateFeedback"], warmWorkersPerFunction);
    const users = await Promise.all(Array.from({ length: 4 }, () => userWithKey()));
    const callsPerUser = 5; // within the per-minute limit
    // Round-robin over users, so the calls in flight together are different users'.
    const calls = Array.from({ length: callsPerUser }, (_, index) => users.map((user) => ({ user, index }))).flat();
    const questions = calls
      .filter(({ index }) => index % 2 === 0)
      .map(({ user, index }) => () => user.call<{ keySource: string }>("generateQuestions", questionsRequest(user, { count: 1 + (index % 3) })));
    const feedback = calls
      .filter(({ index }) => index % 2 === 1)
      .map(({ user, index }) => () => user.call<{ keySource: string }>("generateFeedback", feedbackRequest(user, index)));

    const results = (await Promise.all([withConcurrency(callsInFlightPerFunction, questions), withConcurrency(callsInFlightPerFunction, feedback)])).flat();
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
