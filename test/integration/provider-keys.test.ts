import assert from "node:assert/strict";
import type { ApiKeyStatus, GenerateQuestionsResult } from "../../functions/src/contract";
import { providerInfo, type Provider } from "../../functions/src/providers";
import { adminDb } from "../support/admin";
import { assertNoKeyIn, questionsRequest, signUpAiCaller, type AiCaller } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { anthropicStandIn, openAiStandIn, openRouterStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeOpenAiKey, fakeOpenRouterKey } from "../support/keys";

/**
 * What the Gemini suites show for Gemini, for OpenAI, Anthropic and OpenRouter, through the emulators and that
 * provider's stand-in: saving (checked live), every refusal, outages, quota and rate limits, use, the
 * key's state, removal — and no key in any answer. The stand-ins pick their answer from a word in the key.
 */

/** What a test needs to know of one provider's stand-in: its requests, and a key carrying a marker. */
interface ProviderUnderTest {
  provider: Exclude<Provider, "googleai">;
  key: (marker?: string) => string;
  requests: () => ReadonlyArray<{ method: string; path: string; apiKey?: string; headers: Record<string, string> }>;
  reset: () => void;
  /** The generation endpoint's path. */
  generatePath: string;
  /** The header the key travels in, and nowhere else. */
  keyHeader: (apiKey: string) => [name: string, value: string];
  markers: {
    invalid: string;
    notPermitted: string;
    /** A key the check accepts that generation then refuses for a permission; none where no such key exists. */
    notPermittedAtUse: string | undefined;
    /** A key the check finds cannot use the model; none where model access is not per key. */
    noModel: string | undefined;
    /** Out of credit or spend limit at generation (the key check cannot see credit). */
    noCredit: string;
    /** Out of credit as the key check sees it: stored as quota_exhausted. */
    checkQuota: string;
    rateLimited: string;
    overloaded: string;
    serverError: string;
    refusal: string;
  };
}

const openAi: ProviderUnderTest = {
  provider: "openai",
  key: (marker = "") => fakeOpenAiKey(marker),
  requests: () => openAiStandIn().requests,
  reset: () => openAiStandIn().reset(),
  generatePath: "/v1/chat/completions",
  keyHeader: (apiKey) => ["authorization", `Bearer ${apiKey}`],
  markers: {
    invalid: "invalidkey",
    notPermitted: "noscope",
    notPermittedAtUse: "noscope",
    noModel: "nomodel",
    noCredit: "nocredit",
    checkQuota: "quota",
    rateLimited: "ratelimit",
    overloaded: "overloaded",
    serverError: "servererror",
    refusal: "refusal",
  },
};

const anthropic: ProviderUnderTest = {
  provider: "anthropic",
  key: (marker = "") => fakeAnthropicKey(marker),
  requests: () => anthropicStandIn().requests,
  reset: () => anthropicStandIn().reset(),
  generatePath: "/v1/messages",
  keyHeader: (apiKey) => ["authorization", `Bearer ${apiKey}`],
  markers: {
    invalid: "invalidkey",
    notPermitted: "denied",
    notPermittedAtUse: "denied",
    noModel: "nomodel",
    noCredit: "nocredit",
    checkQuota: "billing",
    rateLimited: "ratelimit",
    overloaded: "overloaded",
    serverError: "servererror",
    refusal: "refusal",
  },
};

const openRouter: ProviderUnderTest = {
  provider: "openrouter",
  key: (marker = "") => fakeOpenRouterKey(marker),
  requests: () => openRouterStandIn().requests,
  reset: () => openRouterStandIn().reset(),
  generatePath: "/api/v1/chat/completions",
  keyHeader: (apiKey) => ["authorization", `Bearer ${apiKey}`],
  markers: {
    invalid: "401",
    // A management key: genuine, but it cannot call models (the key check says so).
    notPermitted: "aaaa",
    // OpenRouter has no key that passes the key check and is then refused a permission, and every key
    // reaches every model: model access is the operator's OPENROUTER_MODEL, met at the first call.
    notPermittedAtUse: undefined,
    noModel: undefined,
    noCredit: "402",
    checkQuota: "402",
    rateLimited: "429",
    overloaded: "502",
    serverError: "500",
    refusal: "403",
  },
};

/** The cases of a table this provider has a marker for (a case it cannot have is named in its markers). */
const withMarker = <Rest extends unknown[]>(entry: [string, string | undefined, ...Rest]): entry is [string, string, ...Rest] => entry[1] !== undefined;

const saveKey = (user: AiCaller, provider: Provider, apiKey: string, verify = true) =>
  user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey, provider, verify });
const generate = (user: AiCaller, provider: Provider) =>
  user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user, { count: 1, provider }));
const auditOf = async (uid: string) => (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => d.data());

for (const subject of [openAi, anthropic, openRouter]) {
  const { provider, key, markers } = subject;
  const { label } = providerInfo[provider];

  describe(`${label} keys, end to end (emulators and the ${label} stand-in)`, function () {
    this.timeout(90_000);
    afterEach(() => subject.reset());
    after(disposeClients);

    describe("saving", () => {
      it("checks the key live without generating anything, stores it active, and answers only a hint", async () => {
        const user = await signUpAiCaller();
        const apiKey = key();
        const { status } = await saveKey(user, provider, apiKey);
        assert.equal(status.state, "active");
        assert.equal(status.hint, `${providerInfo[provider].shapes[0].prefixes[0]}…${apiKey.slice(-4)}`);
        const seen = subject.requests().filter((request) => request.apiKey === apiKey);
        assert.ok(seen.length > 0 && seen.every((request) => request.method === "GET"), "the check only reads the models API");
        assertNoKeyIn(status);
      });

      const refusals: Array<[string, string, { code: string; reason: string }, string]> = (
        [
        ["a key the provider rejects", markers.invalid, { code: "failed-precondition", reason: "KEY_INVALID" }, "rejected_by_provider"],
        ["a key lacking a permission", markers.notPermitted, { code: "failed-precondition", reason: "KEY_NOT_PERMITTED" }, "not_permitted"],
        ["a key that cannot use the model", markers.noModel, { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" }, "model_unavailable"],
        ["a provider error", markers.serverError, { code: "unavailable", reason: "AI_UNAVAILABLE" }, "provider_unreachable"],
        ] as Array<[string, string | undefined, { code: string; reason: string }, string]>
      ).filter(withMarker);
      for (const [what, marker, expected, outcome] of refusals) {
        it(`refuses ${what} (${expected.reason}), keeps the previous key usable, and audits why`, async () => {
          const user = await signUpAiCaller();
          const previous = key();
          await saveKey(user, provider, previous);
          const error = await assertCallFails(saveKey(user, provider, key(marker)), expected);
          assert.equal((error.details as { provider?: string }).provider ?? provider, provider);
          assertNoKeyIn({ message: error.message, details: error.details });
          assert.equal((await keyStatusOf(user, provider)).hint?.slice(-4), previous.slice(-4));
          assert.ok((await auditOf(user.uid)).some((event) => event.event === "set" && event.outcome === outcome));
          const result = await generate(user, provider);
          assert.equal(result.provider, provider);
        });
      }

      it("stores a genuine key that is out of credit as quota_exhausted", async () => {
        const user = await signUpAiCaller();
        assert.equal((await saveKey(user, provider, key(markers.checkQuota))).status.state, "quota_exhausted");
      });
    });

    describe("using", () => {
      it("runs on the user's key, sends it only in its header, names the provider that paid, and counts the use", async () => {
        const user = await signUpAiCaller();
        const apiKey = key();
        await saveKey(user, provider, apiKey);
        const result = await generate(user, provider);
        assert.equal(result.provider, provider);
        assert.equal(result.keySource, "user");
        assert.equal(result.questions.length, 1);
        assertNoKeyIn(result);
        const calls = subject.requests().filter((request) => request.apiKey === apiKey && request.path === subject.generatePath);
        assert.equal(calls.length, 1);
        const [header, value] = subject.keyHeader(apiKey);
        assert.equal(calls[0].headers[header], value);
        const elsewhere = Object.entries(calls[0].headers).filter(([name, text]) => name !== header && text.includes(apiKey.slice(-12)));
        assert.deepEqual(elsewhere, [], "the key travels in one header only");
        const status = await keyStatusOf(user, provider);
        assert.equal(status.usageCount, 1);
        assert.equal(status.callsToday, 1);
      });

      const failures: Array<[string, string, { code: string; reason: string }, ApiKeyStatus["state"]]> = (
        [
        ["a key the provider rejects", markers.invalid, { code: "failed-precondition", reason: "KEY_INVALID" }, "invalid"],
        ["an account out of credit", markers.noCredit, { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" }, "quota_exhausted"],
        ["a rate limit", markers.rateLimited, { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" }, "unverified"],
        ["a key lacking a permission", markers.notPermittedAtUse, { code: "failed-precondition", reason: "KEY_NOT_PERMITTED" }, "unverified"],
        ["content the model refuses", markers.refusal, { code: "invalid-argument", reason: "INVALID_INPUT" }, "unverified"],
        ] as Array<[string, string | undefined, { code: string; reason: string }, ApiKeyStatus["state"]]>
      ).filter(withMarker);
      for (const [what, marker, expected, state] of failures) {
        it(`reports ${what} as ${expected.reason}, and the key's state becomes ${state}`, async () => {
          const user = await signUpAiCaller();
          const apiKey = key(marker);
          await saveKey(user, provider, apiKey, false);
          const error = await assertCallFails(generate(user, provider), expected);
          assert.match(error.message, new RegExp(label));
          assertNoKeyIn({ message: error.message, details: error.details });
          assert.equal((await keyStatusOf(user, provider)).state, state);
        });
      }

      it("says when to retry after a rate limit", async () => {
        const user = await signUpAiCaller();
        await saveKey(user, provider, key(markers.rateLimited), false);
        const error = await assertCallFails(generate(user, provider), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
        assert.ok(((error.details as { retryAfterSeconds?: number }).retryAfterSeconds ?? 0) > 0);
      });

      it("tries an overloaded provider at most three times in all, then AI_UNAVAILABLE with the key untouched", async () => {
        const user = await signUpAiCaller();
        const apiKey = key(markers.overloaded);
        await saveKey(user, provider, apiKey, false);
        await assertCallFails(generate(user, provider), { code: "unavailable", reason: "AI_UNAVAILABLE" });
        assert.equal(subject.requests().filter((request) => request.apiKey === apiKey && request.path === subject.generatePath).length, 3);
        assert.equal((await keyStatusOf(user, provider)).state, "unverified");
      });

      it("after removal, the next call finds no key for the provider", async () => {
        const user = await signUpAiCaller();
        await saveKey(user, provider, key());
        assert.deepEqual(await user.call("removeApiKey", { provider }), { removed: true });
        const error = await assertCallFails(generate(user, provider), { code: "failed-precondition", reason: "KEY_MISSING" });
        assert.match(error.message, new RegExp(`${label} API key`));
      });
    });
  });
}
