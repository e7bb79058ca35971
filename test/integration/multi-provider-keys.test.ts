import assert from "node:assert/strict";
import type { ApiKeyStatus, ApiKeyStatuses, GenerateQuestionsResult, RemoveApiKeyResult } from "../../functions/src/contract";
import { providerInfo, type Provider } from "../../functions/src/providers";
import { adminDb } from "../support/admin";
import { questionsRequest, signUpAiCaller, type AiCaller } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey, keyShaped } from "../support/keys";

/**
 * One vault, four providers, through the emulators: every provider's status at once, a preferred
 * provider, removing every key in one go, and which key an AI call runs on. Keys of OpenAI and Anthropic
 * are stored unverified here (`verify: false`), so these tests need no provider but Gemini's stand-in;
 * each provider's own checks and calls have their own suites.
 */

const fakeKeyFor: Record<Provider, () => string> = {
  googleai: () => fakeGeminiKey(),
  openai: () => fakeOpenAiKey(),
  anthropic: () => fakeAnthropicKey(),
  openrouter: () => fakeOpenRouterKey(),
};

const statusesOf = (user: AiCaller) => user.call<ApiKeyStatuses>("apiKeyStatus", {});
const saveKey = (user: AiCaller, provider: Provider, apiKey = fakeKeyFor[provider]()) =>
  user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey, provider, verify: provider === "googleai" }).then(({ status }) => ({ status, apiKey }));
const auditOf = async (uid: string) => (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => d.data());

describe("keys of several providers", function () {
  this.timeout(60_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("lists every provider's status in the registry's order, with no preference, before any key is saved", async () => {
    const user = await signUpAiCaller();
    assert.deepEqual(await statusesOf(user), {
      statuses: [
        { provider: "googleai", hasKey: false },
        { provider: "openai", hasKey: false },
        { provider: "anthropic", hasKey: false },
        { provider: "openrouter", hasKey: false },
      ],
      preferredProvider: null,
      // The emulators run with ALLOW_DEFAULT_KEY off (the demo project's params).
      sharedKey: null,
    });
  });

  it("keeps one record per provider, each with its own hint and state, and the single-provider status still answers", async () => {
    const user = await signUpAiCaller();
    const gemini = await saveKey(user, "googleai");
    const openai = await saveKey(user, "openai");
    const anthropic = await saveKey(user, "anthropic");
    const openRouter = await saveKey(user, "openrouter");

    const { statuses } = await statusesOf(user);
    assert.deepEqual(
      statuses.map(({ provider, hasKey, hint, state }) => ({ provider, hasKey, hint, state })),
      [
        { provider: "googleai", hasKey: true, hint: `AQ.…${gemini.apiKey.slice(-4)}`, state: "active" },
        { provider: "openai", hasKey: true, hint: `sk-proj-…${openai.apiKey.slice(-4)}`, state: "unverified" },
        { provider: "anthropic", hasKey: true, hint: `sk-ant-api03-…${anthropic.apiKey.slice(-4)}`, state: "unverified" },
        { provider: "openrouter", hasKey: true, hint: `sk-or-v1-…${openRouter.apiKey.slice(-4)}`, state: "unverified" },
      ],
    );
    assert.equal((await keyStatusOf(user, "openai")).hint, `sk-proj-…${openai.apiKey.slice(-4)}`);
    for (const provider of ["googleai", "openai", "anthropic", "openrouter"] as const) {
      const stored = (await adminDb().doc(`apiKeys/${user.uid}/providers/${provider}`).get()).data()!;
      assert.equal(stored.provider, provider);
      assert.ok(!keyShaped.test(JSON.stringify(stored)), `the ${provider} record holds no plaintext key`);
    }
    assert.ok(!keyShaped.test(JSON.stringify(statuses)));
  });

  describe("the format check names what was pasted", () => {
    const refusals: Array<[label: string, provider: Provider, key: () => string, message: RegExp]> = [
      ["an OpenAI admin key", "openai", () => fakeOpenAiKey("", "admin"), /OpenAI admin key: it can manage an organization but cannot call models/],
      ["an Anthropic Admin API key", "anthropic", () => fakeAnthropicKey("", "admin"), /Anthropic Admin API key/],
      ["a Claude sign-in token", "anthropic", () => fakeAnthropicKey("", "oauth"), /Claude subscription sign-in token, not an API key/],
      ["an Anthropic key offered as OpenAI's", "openai", () => fakeAnthropicKey(), /looks like an Anthropic key: add it under Anthropic, not OpenAI/],
      ["a Gemini key offered as Anthropic's", "anthropic", () => fakeGeminiKey(), /looks like a Gemini key: add it under Gemini, not Anthropic/],
      ["an OpenAI key offered as Gemini's", "googleai", () => fakeOpenAiKey(), /looks like an OpenAI key: add it under OpenAI, not Gemini/],
      ["an OpenRouter key offered as OpenAI's", "openai", () => fakeOpenRouterKey(), /looks like an OpenRouter key: add it under OpenRouter, not OpenAI/],
      // One hex character short: no OpenRouter key, and never an OpenAI legacy "sk-" key either.
      ["a cut OpenRouter key offered as OpenAI's", "openai", () => fakeOpenRouterKey().slice(0, -1), /does not look like a valid key/],
      ["an OpenAI key offered as OpenRouter's", "openrouter", () => fakeOpenAiKey(), /looks like an OpenAI key: add it under OpenAI, not OpenRouter/],
    ];
    for (const [label, provider, key, message] of refusals) {
      it(`refuses ${label} with KEY_FORMAT, stores nothing and echoes no key`, async () => {
        const user = await signUpAiCaller();
        const apiKey = key();
        const error = await assertCallFails(user.call("setApiKey", { apiKey, provider }), { code: "invalid-argument", reason: "KEY_FORMAT" });
        assert.match(error.message, message);
        assert.ok(!keyShaped.test(JSON.stringify({ message: error.message, details: error.details })));
        assert.equal((await adminDb().doc(`apiKeys/${user.uid}/providers/${provider}`).get()).exists, false);
        assert.deepEqual(
          (await auditOf(user.uid)).map((event) => ({ provider: event.provider as unknown, outcome: event.outcome as unknown })),
          [{ provider, outcome: "rejected_format" }],
        );
      });
    }
  });

  describe("the preferred provider", () => {
    it("is saved, read back with the statuses, changed and cleared", async () => {
      const user = await signUpAiCaller();
      assert.deepEqual(await user.call("setPreferredProvider", { provider: "anthropic" }), { preferredProvider: "anthropic" });
      assert.equal((await statusesOf(user)).preferredProvider, "anthropic");
      await user.call("setPreferredProvider", { provider: "openai" });
      assert.equal((await statusesOf(user)).preferredProvider, "openai");
      assert.deepEqual(await user.call("setPreferredProvider", { provider: null }), { preferredProvider: null });
      assert.equal((await statusesOf(user)).preferredProvider, null);
    });

    it("writes nothing when set to what it already is", async () => {
      const user = await signUpAiCaller();
      await user.call("setPreferredProvider", { provider: "openai" });
      const before = (await adminDb().doc(`apiKeys/${user.uid}`).get()).updateTime;
      await user.call("setPreferredProvider", { provider: "openai" });
      assert.deepEqual((await adminDb().doc(`apiKeys/${user.uid}`).get()).updateTime, before);
    });

    it("refuses anything but a provider or null with INVALID_INPUT, and keeps the choice", async () => {
      const user = await signUpAiCaller();
      await user.call("setPreferredProvider", { provider: "openai" });
      for (const data of [{ provider: "mistral" }, { provider: "all" }, {}, { provider: "openai", extra: 1 }, { provider: ["openai"] }]) {
        await assertCallFails(user.call("setPreferredProvider", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
      }
      assert.equal((await statusesOf(user)).preferredProvider, "openai");
    });
  });

  describe("removing every key", () => {
    it("removes all of a user's keys in one call, with one audit event each, and leaves other users' keys alone", async () => {
      const user = await signUpAiCaller();
      const other = await signUpAiCaller();
      await saveKey(user, "googleai");
      await saveKey(user, "anthropic");
      await saveKey(user, "openrouter");
      await saveKey(other, "openai");

      const result = await user.call<RemoveApiKeyResult>("removeApiKey", { provider: "all" });
      assert.deepEqual(result, { removed: true, removedProviders: ["googleai", "anthropic", "openrouter"] });
      assert.deepEqual((await statusesOf(user)).statuses.map((status) => status.hasKey), [false, false, false, false]);
      const removals = (await auditOf(user.uid)).filter((event) => event.event === "remove");
      assert.deepEqual(removals.map((event) => `${event.provider}:${event.outcome}`).sort(), ["anthropic:removed", "googleai:removed", "openrouter:removed"]);
      assert.equal((await keyStatusOf(other, "openai")).hasKey, true);
    });

    it("with no key at all removes nothing and writes no audit event", async () => {
      const user = await signUpAiCaller();
      assert.deepEqual(await user.call("removeApiKey", { provider: "all" }), { removed: false, removedProviders: [] });
      assert.deepEqual(await auditOf(user.uid), []);
    });

    it("keeps the preferred provider, which simply finds no key until one is added again", async () => {
      const user = await signUpAiCaller();
      await saveKey(user, "googleai");
      await user.call("setPreferredProvider", { provider: "googleai" });
      await user.call("removeApiKey", { provider: "all" });
      assert.equal((await statusesOf(user)).preferredProvider, "googleai");
    });
  });

  describe("which key an AI call runs on", () => {
    const generate = (user: AiCaller, extra: Record<string, unknown> = {}) => user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user, { count: 1, ...extra }));

    it("names the provider and whose key paid, and skips a preference whose provider has no key", async () => {
      const user = await signUpAiCaller();
      const { apiKey } = await saveKey(user, "googleai");
      await user.call("setPreferredProvider", { provider: "anthropic" });
      const result = await generate(user);
      assert.equal(result.keySource, "user");
      assert.equal(result.provider, "googleai");
      assert.ok(geminiStandIn().requests.some((request) => request.apiKey === apiKey && request.method === "POST"));
    });

    it("follows the preferred provider as the user switches it, between two keys", async () => {
      const user = await signUpAiCaller();
      await saveKey(user, "googleai");
      await user.call("setApiKey", { apiKey: fakeOpenAiKey(), provider: "openai" });
      assert.equal((await generate(user)).provider, "googleai", "no preference: the first in the registry's order");
      await user.call("setPreferredProvider", { provider: "openai" });
      assert.equal((await generate(user)).provider, "openai");
      await user.call("setPreferredProvider", { provider: "googleai" });
      assert.equal((await generate(user)).provider, "googleai");
      assert.equal((await generate(user, { provider: "openai" })).provider, "openai", "a call may still name its provider");
    });

    it("passes over a key its provider refused for the next usable one, and keeps the refused key's owner told when it is the only one", async () => {
      const user = await signUpAiCaller();
      await user.call("setApiKey", { apiKey: fakeGeminiKey("invalidkey"), provider: "googleai", verify: false });
      await assertCallFails(generate(user), { code: "failed-precondition", reason: "KEY_INVALID" });
      await assertCallFails(generate(user), { code: "failed-precondition", reason: "KEY_INVALID" });
      await user.call("setApiKey", { apiKey: fakeAnthropicKey(), provider: "anthropic" });
      const result = await generate(user);
      assert.equal(result.provider, "anthropic");
      assert.equal(result.keySource, "user");
    });

    it("is KEY_MISSING naming the provider a call asked for when the user has no key for it, without falling back", async () => {
      const user = await signUpAiCaller();
      await saveKey(user, "googleai");
      const error = await assertCallFails(generate(user, { provider: "openai" }), { code: "failed-precondition", reason: "KEY_MISSING" });
      assert.match(error.message, new RegExp(`${providerInfo.openai.label} API key`));
      assert.equal((error.details as { provider?: string }).provider, "openai");
    });

    it("refuses a provider that is not one with INVALID_INPUT", async () => {
      const user = await signUpAiCaller();
      await assertCallFails(generate(user, { provider: "mistral" }), { code: "invalid-argument", reason: "INVALID_INPUT" });
    });
  });
});
