import assert from "node:assert/strict";
import type { ApiKeyStatus, GenerateQuestionsResult } from "../../functions/src/contract";
import { costPerCall, startingCredit, startOpenRouterStandIn, type OpenRouterStandIn } from "../../dev/openrouter-stand-in/server";
import { adminDb } from "../support/admin";
import { assertNoKeyIn, questionsRequest, signUpAiCaller, type AiCaller } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { openRouterStandIn } from "../support/hooks";
import { fakeOpenRouterKey } from "../support/keys";

/**
 * What only OpenRouter has, through the emulators and its stand-in: the key's credit (read at save, by
 * "Check again" and after each call, never polled), an expired key, the 402 and moderation answers at
 * use, the request's routing and attribution, and the network faults a call must not repeat (a
 * connection dropped mid-answer) or follow (a redirect). provider-keys.test.ts covers what it shares
 * with OpenAI and Anthropic.
 */

const saveKey = (user: AiCaller, apiKey: string, verify = true) => user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey, provider: "openrouter", verify });
const generate = (user: AiCaller) => user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user, { count: 1, provider: "openrouter" }));
const requestsWith = (apiKey: string, path: string) => openRouterStandIn().requests.filter((request) => request.apiKey === apiKey && request.path === path);
const startingRemaining = startingCredit.limit - startingCredit.usage;

describe("OpenRouter keys: credit, moderation, routing and network faults (emulators and the OpenRouter stand-in)", function () {
  this.timeout(90_000);
  afterEach(() => openRouterStandIn().reset());
  after(disposeClients);

  describe("the key's credit", () => {
    it("is read at save from GET /api/v1/key, stored beside the key (never the key) and reported by apiKeyStatus", async () => {
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey();
      const { status } = await saveKey(user, apiKey);
      assert.equal(status.hint, `sk-or-v1-…${apiKey.slice(-4)}`);
      assert.deepEqual({ remaining: status.credit?.remaining, limit: status.credit?.limit }, { remaining: startingRemaining, limit: startingCredit.limit });
      assert.deepEqual(requestsWith(apiKey, "/api/v1/key").length, 1);
      const listed = await keyStatusOf(user, "openrouter");
      assert.deepEqual(listed.credit, status.credit);
      const stored = (await adminDb().doc(`apiKeys/${user.uid}/providers/openrouter`).get()).data()!;
      const storedCredit = stored.credit as { remaining: unknown; limit: unknown };
      assert.deepEqual({ remaining: storedCredit.remaining, limit: storedCredit.limit }, { remaining: startingRemaining, limit: startingCredit.limit });
      assert.ok(!JSON.stringify(stored).includes(apiKey.slice(9)), "the record holds no plaintext key");
    });

    it("is refreshed after each call, from the key endpoint, and never polled in between", async () => {
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey();
      await saveKey(user, apiKey);
      await generate(user);
      const afterOne = await keyStatusOf(user, "openrouter");
      assert.equal(afterOne.credit?.remaining, startingRemaining - costPerCall);
      await generate(user);
      const afterTwo = await keyStatusOf(user, "openrouter");
      assert.equal(afterTwo.credit?.remaining, startingRemaining - 2 * costPerCall);
      // One read at save and one after each call; reading the status asks OpenRouter nothing.
      assert.equal(requestsWith(apiKey, "/api/v1/key").length, 3);
    });

    it("is refreshed by Check again (verifyApiKey), with the verdict", async () => {
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey();
      await saveKey(user, apiKey, false);
      assert.equal((await keyStatusOf(user, "openrouter")).credit, undefined, "an unverified key has no credit read yet");
      const { status: checked } = await user.call<{ status: ApiKeyStatus }>("verifyApiKey", { provider: "openrouter" });
      assert.equal(checked.state, "active");
      assert.deepEqual({ remaining: checked.credit?.remaining, limit: checked.credit?.limit }, { remaining: startingRemaining, limit: startingCredit.limit });
    });

    it("shows a key without a limit as such (null), and a key at its limit as quota_exhausted with 0 left", async () => {
      const user = await signUpAiCaller();
      const { status: free } = await saveKey(user, fakeOpenRouterKey("f2ee"));
      assert.deepEqual({ state: free.state, remaining: free.credit?.remaining, limit: free.credit?.limit }, { state: "active", remaining: null, limit: null });
      const { status: spent } = await saveKey(user, fakeOpenRouterKey("402"));
      assert.deepEqual({ state: spent.state, remaining: spent.credit?.remaining }, { state: "quota_exhausted", remaining: 0 });
    });
  });

  it("refuses a key whose expires_at has passed (KEY_INVALID), and stores nothing", async () => {
    const user = await signUpAiCaller();
    const error = await assertCallFails(saveKey(user, fakeOpenRouterKey("e0e0")), { code: "failed-precondition", reason: "KEY_INVALID" });
    assert.match(error.message, /OpenRouter rejected this key/);
    assert.equal((await keyStatusOf(user, "openrouter")).hasKey, false);
  });

  it("a 402 at use says the OpenRouter credit ran out, leads to OpenRouter's credits page, and shows the credit left", async () => {
    const user = await signUpAiCaller();
    const apiKey = fakeOpenRouterKey("402");
    await saveKey(user, apiKey, false);
    const error = await assertCallFails(generate(user), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
    assert.match(error.message, /Your OpenRouter credit has run out/);
    assert.deepEqual(error.details, { reason: "QUOTA_EXCEEDED", action: "provider_quota", provider: "openrouter" });
    const status = await keyStatusOf(user, "openrouter");
    assert.equal(status.state, "quota_exhausted");
    assert.equal(status.credit?.remaining, 0);
  });

  it("a moderation refusal (403) says the request was declined, does not blame the key, and passes on none of the flagged text", async () => {
    const user = await signUpAiCaller();
    const apiKey = fakeOpenRouterKey("403");
    await saveKey(user, apiKey);
    const error = await assertCallFails(generate(user), { code: "invalid-argument", reason: "INVALID_INPUT" });
    assert.match(error.message, /OpenRouter declined this request/);
    assert.match(error.message, /Your key is fine/);
    assert.doesNotMatch(error.message, /harassment|rejected|invalid/i);
    assert.equal((await keyStatusOf(user, "openrouter")).state, "active");
    assertNoKeyIn({ message: error.message, details: error.details });
  });

  it("asks for strict structured output, routed only to endpoints that honour it, with the app's attribution and nothing else of the key", async () => {
    const user = await signUpAiCaller();
    const apiKey = fakeOpenRouterKey();
    await saveKey(user, apiKey);
    await generate(user);
    const [call] = requestsWith(apiKey, "/api/v1/chat/completions");
    const body = call.body as { model: string; provider: unknown; response_format: { type: string; json_schema: { strict: boolean } }; temperature?: unknown };
    assert.equal(body.model, "openai/gpt-6-luna");
    assert.deepEqual(body.provider, { require_parameters: true });
    assert.equal(body.response_format.type, "json_schema");
    assert.equal(body.response_format.json_schema.strict, true);
    assert.equal(call.headers["x-openrouter-title"], "Interview AI");
    assert.equal(call.headers["http-referer"], undefined, "OPENROUTER_APP_URL is empty on the emulators: no referer");
    const elsewhere = Object.entries(call.headers).filter(([name, text]) => name !== "authorization" && text.includes(apiKey.slice(-12)));
    assert.deepEqual(elsewhere, []);
  });

  describe("network faults", () => {
    let elsewhere: OpenRouterStandIn;
    before(async () => {
      elsewhere = await startOpenRouterStandIn({ port: 0 });
    });
    after(() => elsewhere.stop());
    afterEach(() => elsewhere.reset());

    it("a connection dropped mid-answer is not asked again: exactly one request, AI_UNAVAILABLE, the key untouched", async () => {
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey("dc0");
      await saveKey(user, apiKey);
      const error = await assertCallFails(generate(user), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.match(error.message, /did not answer in time\. It was not asked again/);
      assert.equal(requestsWith(apiKey, "/api/v1/chat/completions").length, 1);
      assert.equal((await keyStatusOf(user, "openrouter")).state, "active");
    });

    it("a 307 at the key check is refused, not followed: nothing saved, and the other origin receives nothing", async () => {
      openRouterStandIn().redirectTo(elsewhere.url);
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey("307");
      await assertCallFails(saveKey(user, apiKey), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.equal(requestsWith(apiKey, "/api/v1/key").length, 1);
      assert.deepEqual(elsewhere.requests, []);
      assert.equal((await keyStatusOf(user, "openrouter")).hasKey, false);
    });

    it("a 307 at generation is refused, not followed: the key goes nowhere else and the call is not repeated", async () => {
      openRouterStandIn().redirectTo(elsewhere.url);
      const user = await signUpAiCaller();
      const apiKey = fakeOpenRouterKey("307");
      await saveKey(user, apiKey, false);
      await assertCallFails(generate(user), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.equal(requestsWith(apiKey, "/api/v1/chat/completions").length, 1);
      assert.deepEqual(elsewhere.requests, []);
    });
  });
});
