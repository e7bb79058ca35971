import assert from "node:assert/strict";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { unsignedJwt } from "../../web/src/lib/emulator-app-check";
import { adminDb } from "../support/admin";
import { assertCallFails, disposeClients, keyStatusOf, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";

/** A valid request for each callable, so that only App Check can be the reason for a refusal. */
const validRequests = () => ({
  apiKeyStatus: {},
  removeApiKey: {},
  setDailyLimit: { dailyLimit: 5 },
  setPreferredProvider: { provider: "openai" },
  setHistoryRetention: { retentionDays: 90 },
  verifyApiKey: {},
  apiKeyActivity: {},
  apiKeyModels: { provider: "googleai" },
  setModel: { provider: "googleai", model: "gemini-flash-lite-latest" },
  setApiKey: { apiKey: fakeGeminiKey() },
  generateQuestions: { jobTitle: "Engineer", interviewType: "technical", count: 1 },
  generateFeedback: { jobTitle: "Engineer", items: [{ question: "Why us?", answer: "The product." }] },
});

/**
 * App Check as the Functions emulator enforces it. firebase-tools runs every emulated function with
 * firebase-functions' debug feature `skipTokenVerification`, so the emulator checks one thing only: that
 * a call carries an App Check token. It verifies nothing about the token and never consumes it (docs/app-check.md,
 * "What the emulator checks"). The tests below pin both halves, so a change in the emulator shows here.
 */
describe("App Check on the callables (Functions emulator)", function () {
  this.timeout(60_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("refuses every callable, before any of our code runs, when the call carries no App Check token", async () => {
    const user = await signUpNewUser({ appCheck: "none" });
    const requests = validRequests();
    for (const [callable, data] of Object.entries(requests)) {
      const error = await assertCallFails(user.call(callable, data), { code: "unauthenticated" });
      // firebase-functions' own refusal (HTTP 401, message "Unauthenticated", to which the client SDK adds the
      // status) without details, so without a reason: our handler never ran.
      assert.equal(error.message, "Unauthenticated [401]", callable);
      assert.equal(error.details, undefined, callable);
    }
    assert.equal((await adminDb().doc(`apiKeys/${user.uid}/providers/googleai`).get()).exists, false, "no key was stored");
    assert.ok(!geminiStandIn().requests.some((request) => request.apiKey === requests.setApiKey.apiKey), "the key was not tried on Gemini");
  });

  it("serves the same calls with an App Check token", async () => {
    const user = await signUpNewUser();
    const { status } = await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fakeGeminiKey() });
    assert.equal(status.state, "active");
    assert.equal((await keyStatusOf(user)).hasKey, true);
  });

  describe("what the emulator does not check", () => {
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    const claims = (extra: object) => ({ iss: "https://firebaseappcheck.googleapis.com/demo-interview-ai", sub: "web-app", aud: ["projects/demo-interview-ai"], iat: nowSeconds(), exp: nowSeconds() + 3600, ...extra });
    const unverifiable = {
      "an unsigned token": unsignedJwt(claims({})),
      "an expired token": unsignedJwt(claims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })),
      "a token for another project": unsignedJwt(claims({ aud: ["projects/someone-else"], iss: "https://firebaseappcheck.googleapis.com/someone-else" })),
      "a value that is not a token at all": "not-an-app-check-token",
    };
    for (const [kind, token] of Object.entries(unverifiable)) {
      it(`serves a call with ${kind}: the token is decoded, never verified (production refuses it)`, async () => {
        const user = await signUpNewUser({ appCheck: { getToken: () => token } });
        assert.equal((await keyStatusOf(user)).hasKey, false);
      });
    }

    it("serves a replayed limited-use token: it reports every token as not yet consumed (production refuses the replay, see the unit tests)", async () => {
      const token = unsignedJwt(claims({ jti: "the-same-token-twice" }));
      const user = await signUpNewUser({ appCheck: { getToken: () => token } });
      await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
      await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    });
  });
});
