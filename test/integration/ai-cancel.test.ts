import assert from "node:assert/strict";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { geminiStandIn } from "../support/hooks";
import { callInProcess, generateRequestsFor, questionsRequest, useParams, userWithKey } from "../support/ai";
import { disposeClients } from "../support/firebase-client";

/**
 * A client's Cancel. The Functions emulator's proxy does not pass a client's disconnect on to the
 * function (firebase-tools pipes the function's answer without aborting it), so the real handler runs
 * in this process with the abort signal firebase-functions gives it for the disconnect.
 */
describe("generateQuestions when the client disconnects (handler run in-process)", function () {
  this.timeout(60_000);
  useParams({});
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("cuts the Gemini request in flight and sends no other", async () => {
    const user = await userWithKey();
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "ok", delayMs: 60_000 });
    const disconnect = new AbortController();
    const call = callInProcess(generateQuestions, user.uid, questionsRequest(user), { signal: disconnect.signal }).then(
      () => assert.fail("expected the call to end without a result"),
      (error: unknown) => error,
    );
    while (generateRequestsFor(user).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    disconnect.abort();

    await call; // ends long before the stand-in's 60 s answer, which would outlast the test's timeout
    while (!generateRequestsFor(user)[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(generateRequestsFor(user).length, 1, "nothing was sent after the disconnect");
  });
});
