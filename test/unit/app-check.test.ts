import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { apiKeyActivity } from "../../functions/src/callables/api-key-activity";
import { apiKeyStatus } from "../../functions/src/callables/api-key-status";
import { generateFeedback } from "../../functions/src/callables/generate-feedback";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { removeApiKey } from "../../functions/src/callables/remove-api-key";
import { setApiKey } from "../../functions/src/callables/set-api-key";
import { setDailyLimit } from "../../functions/src/callables/set-daily-limit";
import { verifyApiKey } from "../../functions/src/callables/verify-api-key";
import { appCheckEnforced } from "../../functions/src/config";

/**
 * Replay protection as production runs it, which the emulator cannot show: there, App Check's
 * verifyToken({ consume: true }) reports a token used before as `app.alreadyConsumed: true`, and
 * firebase-functions still calls the handler. Each callable's handler runs here with such a request and a
 * payload it would refuse as INVALID_INPUT, so the answer shows which check came first.
 */
function replayedRequest(alreadyConsumed: boolean) {
  return {
    data: { unexpected: true },
    auth: { uid: "replay-test-user", token: {} },
    app: { appId: "1:123:web:abc", token: {}, alreadyConsumed },
    acceptsStreaming: false,
    rawRequest: {},
  };
}

async function failureOf(callable: { run(request: never): unknown }, alreadyConsumed: boolean): Promise<HttpsError> {
  const error = await Promise.resolve(callable.run(replayedRequest(alreadyConsumed) as never)).then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HttpsError, `expected an HttpsError, got ${String(error)}`);
  return error;
}

describe("App Check replay protection (handlers in process)", () => {
  for (const [name, callable] of Object.entries({ setApiKey, generateQuestions, generateFeedback })) {
    it(`${name} refuses a token App Check reports as already consumed: unauthenticated, APP_CHECK_REPLAYED, before anything else`, async () => {
      const error = await failureOf(callable, true);
      assert.equal(error.code, "unauthenticated");
      assert.deepEqual(error.details, { reason: "APP_CHECK_REPLAYED" });
      assert.equal((await failureOf(callable, false)).code, "invalid-argument", "a first use goes on to the input check");
    });
  }

  for (const [name, callable] of Object.entries({ apiKeyStatus, removeApiKey, setDailyLimit, verifyApiKey, apiKeyActivity })) {
    it(`${name} does not consume tokens, so it has no replay check (its clients send the SDK's cached token)`, async () => {
      assert.equal((await failureOf(callable, true)).code, "invalid-argument");
    });
  }
});

describe("ENFORCE_APP_CHECK", () => {
  const saved = process.env.ENFORCE_APP_CHECK;
  after(() => {
    if (saved === undefined) delete process.env.ENFORCE_APP_CHECK;
    else process.env.ENFORCE_APP_CHECK = saved;
  });

  it("enforces App Check unless a deployer sets exactly false; a missing value does not switch it off", () => {
    const enforcedWith = (value: string | undefined) => {
      if (value === undefined) delete process.env.ENFORCE_APP_CHECK;
      else process.env.ENFORCE_APP_CHECK = value;
      return appCheckEnforced();
    };
    assert.equal(enforcedWith(undefined), true);
    assert.equal(enforcedWith("true"), true);
    assert.equal(enforcedWith(""), true);
    assert.equal(enforcedWith("0"), true);
    assert.equal(enforcedWith("false"), false);
  });
});
