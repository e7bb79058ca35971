import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import type { ApiKeyModels, ApiKeyStatus, KeyEvent, SetModelResult } from "../../functions/src/contract";
import { priceOf } from "../../functions/src/ai/price-table";
import type { Provider } from "../../functions/src/providers";
import type { RecordedHttpRequest } from "../../dev/stand-in-http/stand-in-http";
import { adminDb } from "../support/admin";
import { assertNoKeyIn, questionsRequest, signUpAiCaller, type AiCaller } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { anthropicStandIn, geminiStandIn, openAiStandIn, openRouterStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey, keyShaped } from "../support/keys";

/**
 * The user's model choice (issue 19, part 1), per provider, through the emulators and the providers'
 * stand-ins: the key's model list (filtered to models that give structured answers, recommended first,
 * cached per key record), choosing and resetting a model, a model the key cannot use, the next AI call
 * running on the choice, and a replaced key starting afresh.
 */

interface ProviderCase {
  newKey: () => string;
  /** The operator's model in the emulators (functions/.env.demo-interview-ai and config.ts's defaults). */
  defaultModel: string;
  /** A listed model other than the default, that the stand-in serves to every key. */
  chosen: string;
  /** Models the stand-in's catalogue has that the list must leave out (not for structured text answers). */
  filteredOut: string[];
  /** Models the key cannot use here: unknown, retired, or without structured outputs. */
  unusable: string[];
  /** Requests the stand-in received with `apiKey`. */
  requests: (apiKey: string) => readonly RecordedHttpRequest[];
  /** The path of a model-list request. */
  listPath: string;
}

const cases: Record<Provider, ProviderCase> = {
  googleai: {
    newKey: () => fakeGeminiKey(),
    defaultModel: "gemini-flash-latest",
    chosen: "gemini-flash-lite-latest",
    filteredOut: ["gemini-embedding-001", "imagen-4.0-generate-001", "gemini-3.5-flash-preview-tts", "gemini-3.5-flash-live"],
    unusable: ["gemini-2.5-flash", "gemini-embedding-001"],
    requests: (apiKey) => geminiStandIn().requests.filter((request) => request.apiKey === apiKey),
    listPath: "/v1beta/models",
  },
  openai: {
    newKey: () => fakeOpenAiKey(),
    defaultModel: "gpt-6-luna",
    chosen: "gpt-6.1-terra",
    filteredOut: ["text-embedding-3-small", "gpt-image-1", "gpt-realtime", "gpt-4o-mini-tts", "whisper-1", "omni-moderation-latest"],
    unusable: ["gpt-4", "whisper-1"],
    requests: (apiKey) => openAiStandIn().requests.filter((request) => request.apiKey === apiKey),
    listPath: "/v1/models",
  },
  anthropic: {
    newKey: () => fakeAnthropicKey(),
    defaultModel: "claude-haiku-5-5",
    chosen: "claude-sonnet-5-5",
    filteredOut: ["claude-sonnet-4-20250514"],
    unusable: ["claude-sonnet-4-20250514", "claude-3-5-sonnet-20241022"],
    requests: (apiKey) => anthropicStandIn().requests.filter((request) => request.apiKey === apiKey),
    listPath: "/v1/models",
  },
  openrouter: {
    newKey: () => fakeOpenRouterKey(),
    defaultModel: "openai/gpt-6-luna",
    chosen: "google/gemini-3.8-flash",
    filteredOut: ["mistralai/mistral-7b-instruct"],
    unusable: ["mistralai/mistral-7b-instruct", "openai/gpt-4"],
    requests: (apiKey) => openRouterStandIn().requests.filter((request) => request.apiKey === apiKey),
    listPath: "/api/v1/models",
  },
};

const saveKey = async (user: AiCaller, provider: Provider) => {
  const apiKey = cases[provider].newKey();
  await user.call("setApiKey", { apiKey, provider });
  return apiKey;
};
const modelsOf = (user: AiCaller, provider: Provider) => user.call<ApiKeyModels>("apiKeyModels", { provider });
const setModel = (user: AiCaller, provider: Provider, model: string | null) => user.call<SetModelResult>("setModel", { provider, model });
const listRequests = (provider: Provider, apiKey: string) => cases[provider].requests(apiKey).filter((request) => request.path === cases[provider].listPath);
const modelEvents = async (uid: string, provider: Provider) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).where("provider", "==", provider).where("event", "==", "model").get()).docs.map(
    (doc) => doc.data() as KeyEvent & { model?: string },
  );
const storedRecord = async (uid: string, provider: Provider) => (await adminDb().doc(`apiKeys/${uid}/providers/${provider}`).get()).data()!;

describe("the user's model choice", function () {
  this.timeout(90_000);
  after(disposeClients);

  for (const provider of Object.keys(cases) as Provider[]) {
    const { defaultModel, chosen, filteredOut, unusable } = cases[provider];

    describe(provider, () => {
      it("lists the key's models for structured answers, the default and the recommended ones first, and reads the provider once", async () => {
        const user = await signUpAiCaller();
        const apiKey = await saveKey(user, provider);

        const first = await modelsOf(user, provider);
        const ids = first.models.map((model) => model.id);
        assert.equal(first.default, defaultModel);
        assert.equal(first.selected, null);
        assert.equal(ids[0], defaultModel, "the operator's default comes first");
        assert.match(first.models[0].note ?? "", /^recommended/);
        for (const model of first.models) {
          const row = priceOf(provider, model.id);
          if (row) assert.ok(model.note?.endsWith(`$${row.inputUsdPerMillion} / $${row.outputUsdPerMillion} per M tokens (list price, ${row.date})`), `${model.id} notes its list price`);
          else assert.ok(!model.note?.includes("$"), `${model.id} has no price to note`);
        }
        assert.ok(ids.includes(chosen));
        for (const id of filteredOut) assert.ok(!ids.includes(id), `${id} is left out`);
        assert.equal(new Set(ids).size, ids.length, "no model twice");
        const notes = first.models.map((model) => (model.note?.startsWith("recommended") ? "recommended" : "other"));
        assert.deepEqual(notes, [...notes].sort((a, b) => (a === b ? 0 : a === "recommended" ? -1 : 1)), "recommended ones come before the rest");
        assert.ok(first.models.every((model) => model.label.length > 0));
        assertNoKeyIn(first);
        assert.equal(listRequests(provider, apiKey).length, 1);

        const second = await modelsOf(user, provider);
        assert.deepEqual(second, first);
        assert.equal(listRequests(provider, apiKey).length, 1, "the second call is answered from the cache: no request to the provider");
        const cache = (await adminDb().doc(`apiKeys/${user.uid}/modelLists/${provider}`).get()).data()!;
        assert.ok(!keyShaped.test(JSON.stringify(cache)), "the cache holds no key");
      });

      it("asks the provider again once the cached list is six hours old", async () => {
        const user = await signUpAiCaller();
        const apiKey = await saveKey(user, provider);
        await modelsOf(user, provider);
        await adminDb().doc(`apiKeys/${user.uid}/modelLists/${provider}`).update({ fetchedAt: Timestamp.fromMillis(Date.now() - 6 * 3_600_000 - 1000) });
        await modelsOf(user, provider);
        assert.equal(listRequests(provider, apiKey).length, 2);
      });

      it("refuses a user without a key with KEY_MISSING, for the list and the choice", async () => {
        const user = await signUpAiCaller();
        await assertCallFails(modelsOf(user, provider), { code: "failed-precondition", reason: "KEY_MISSING" });
        await assertCallFails(setModel(user, provider, chosen), { code: "failed-precondition", reason: "KEY_MISSING" });
        await assertCallFails(setModel(user, provider, null), { code: "failed-precondition", reason: "KEY_MISSING" });
      });

      it("stores a chosen model, status and the list show it, the next AI call runs on it, and null goes back to the default", async () => {
        const user = await signUpAiCaller();
        const apiKey = await saveKey(user, provider);

        const { status } = await setModel(user, provider, chosen);
        assert.equal(status.model, chosen);
        assert.equal(status.defaultModel, defaultModel);
        assert.equal((await keyStatusOf(user, provider)).model, chosen);
        assert.equal((await modelsOf(user, provider)).selected, chosen);
        assert.equal((await storedRecord(user.uid, provider)).model, chosen);

        await user.call("generateQuestions", questionsRequest(user, { provider, count: 1 }));
        const generations = cases[provider].requests(apiKey).filter((request) => request.method === "POST");
        assert.deepEqual(
          generations.map((request) => request.model),
          [chosen],
          "the provider was asked for the chosen model",
        );

        const reset = await setModel(user, provider, null);
        assert.equal(reset.status.model, null);
        assert.equal((await keyStatusOf(user, provider)).model, null);
        assert.ok(!("model" in (await storedRecord(user.uid, provider))));
        await user.call("generateQuestions", questionsRequest(user, { provider, count: 1 }));
        const after = cases[provider].requests(apiKey).filter((request) => request.method === "POST");
        assert.equal(after.at(-1)?.model, defaultModel);

        const events = (await modelEvents(user.uid, provider)).map(({ outcome, model }) => ({ outcome, model }));
        assert.deepEqual(
          events.sort((a, b) => a.outcome.localeCompare(b.outcome)),
          [
            { outcome: "chosen", model: chosen },
            { outcome: "reset", model: undefined },
          ],
        );
      });

      for (const model of unusable) {
        it(`refuses ${model}, which the key cannot use here, with MODEL_UNAVAILABLE, and stores nothing`, async () => {
          const user = await signUpAiCaller();
          await saveKey(user, provider);
          await setModel(user, provider, chosen);
          const before = await keyStatusOf(user, provider);

          const error = await assertCallFails(setModel(user, provider, model), { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" });
          assert.match(error.message, new RegExp(`cannot use ${model.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} for Interview AI`));
          assertNoKeyIn(error);
          assert.deepEqual(await keyStatusOf(user, provider), before);
          assert.equal((await storedRecord(user.uid, provider)).model, chosen);
          assert.equal((await modelEvents(user.uid, provider)).length, 1, "only the first choice was audited");
        });
      }

      it("forgets the key's cached model list when the key is removed", async () => {
        const user = await signUpAiCaller();
        await saveKey(user, provider);
        await modelsOf(user, provider);
        const cached = adminDb().doc(`apiKeys/${user.uid}/modelLists/${provider}`);
        assert.ok((await cached.get()).exists);
        await user.call("removeApiKey", { provider });
        assert.equal((await cached.get()).exists, false);
      });

      it("does not carry a choice or a model list over to a replaced key", async () => {
        const user = await signUpAiCaller();
        await saveKey(user, provider);
        await setModel(user, provider, chosen);
        await modelsOf(user, provider);

        const replacement = await saveKey(user, provider);
        const status: ApiKeyStatus = await keyStatusOf(user, provider);
        assert.equal(status.model, null);
        const models = await modelsOf(user, provider);
        assert.equal(models.selected, null);
        assert.equal(listRequests(provider, replacement).length, 1, "the new key's list is read with the new key");
      });
    });
  }
});
