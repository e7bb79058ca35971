import assert from "node:assert/strict";
import { fakeGeminiKey } from "../support/keys";
import { aiAnswerTimeoutMs, browserSessions, cspViolations, generateQuestions, saveKey, signUp } from "./browser";

/** The callables that consume App Check tokens (functions/src/callables: setApiKey and aiCallable). */
const replayProtected = new Set(["setApiKey", "generateQuestions", "generateFeedback"]);

describe("web app: App Check on the emulators (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("sends an App Check token with every call, a fresh one for each call that costs money or tests a key, and reaches nothing beyond this machine", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await saveKey(page, fakeGeminiKey());
    await generateQuestions(page, { count: 1 });
    await page.getByRole("heading", { name: "Your questions" }).waitFor({ timeout: aiAnswerTimeoutMs });
    await page.getByRole("listitem").getByRole("textbox").first().fill("I led a migration and cut build times by half.");
    await page.getByRole("button", { name: "Get feedback" }).click();
    await page.getByRole("heading", { name: "Your feedback" }).waitFor({ timeout: aiAnswerTimeoutMs });

    const calls = session.callableRequests;
    assert.deepEqual(
      [...new Set(calls.map((call) => call.callable))].sort(),
      ["apiKeyActivity", "apiKeyModels", "apiKeyStatus", "generateFeedback", "generateQuestions", "setApiKey", "setHistoryRetention"],
    );
    assert.deepEqual(
      calls.filter((call) => !call.appCheckToken).map((call) => call.callable),
      [],
      "every call carries an App Check token",
    );
    const limitedUse = calls.filter((call) => replayProtected.has(call.callable)).map((call) => call.appCheckToken);
    const cached = calls.filter((call) => !replayProtected.has(call.callable)).map((call) => call.appCheckToken);
    assert.equal(new Set(limitedUse).size, limitedUse.length, "each replay-protected call has a token of its own");
    assert.ok(!limitedUse.some((token) => cached.includes(token)), "and not the token the SDK keeps for other calls");

    const offMachine = session.requestUrls.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return !["data:", "blob:"].includes(protocol) && !["127.0.0.1", "localhost"].includes(hostname);
    });
    assert.deepEqual(offMachine, [], "App Check on the emulators asks nothing of Google (no reCAPTCHA, no token exchange)");
    assert.deepEqual(cspViolations(session.consoleOutput), []);
  });
});
