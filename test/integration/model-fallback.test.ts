import assert from "node:assert/strict";
import type { ApiKeyStatus, GenerateQuestionsResult, KeyActivityEvent } from "../../functions/src/contract";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import type { Provider } from "../../functions/src/providers";
import { adminDb } from "../support/admin";
import { callInProcess, generateRequestsFor, questionsRequest, signUpAiCaller, useParams, userWithKey, type AiCaller } from "../support/ai";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { anthropicStandIn, geminiStandIn, openAiStandIn, openRouterStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey } from "../support/keys";

/**
 * Issue 19, through the emulators, for each provider: a busy first model falls back to the next one and the
 * result says so; a retired model the user chose is cleared, audited and explained; the call's tokens are
 * recorded and shown by apiKeyStatus; and an attempt that may have been billed is never followed by a
 * fallback. The stand-ins' key markers make the first model a key asks for busy or retired (per key, so
 * tests do not disturb each other); the deployed params are the defaults of functions/src/config.ts.
 */

interface Case {
  provider: Provider;
  key: (marker: string) => string;
  markers: { busy: string; retired: string; cut: string };
  /** The operator's model and the first fallback (config.ts defaults, functions/.env.demo-interview-ai). */
  first: string;
  fallback: string;
  /** A model the user may choose, other than those two. */
  chosen: string;
  requests: () => ReadonlyArray<{ apiKey?: string; model?: string; method: string }>;
  reset: () => void;
  /** Whether the price table prices the first model (Gemini: no confirmed price), or the provider reports cost. */
  cost: "estimate" | "reported" | "none";
}

const cases: Case[] = [
  {
    provider: "googleai",
    key: (marker) => fakeGeminiKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel", cut: "dropanswer" },
    first: "gemini-flash-latest",
    fallback: "gemini-flash-lite-latest",
    chosen: "gemini-3.7-flash",
    requests: () => geminiStandIn().requests,
    reset: () => geminiStandIn().reset(),
    cost: "none",
  },
  {
    provider: "openai",
    key: (marker) => fakeOpenAiKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel", cut: "dropanswer" },
    first: "gpt-6-luna",
    fallback: "gpt-5.4-mini",
    chosen: "gpt-6.1-terra",
    requests: () => openAiStandIn().requests,
    reset: () => openAiStandIn().reset(),
    cost: "estimate",
  },
  {
    provider: "anthropic",
    key: (marker) => fakeAnthropicKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel", cut: "dropanswer" },
    first: "claude-haiku-5-5",
    fallback: "claude-haiku-4-5",
    chosen: "claude-sonnet-5-5",
    requests: () => anthropicStandIn().requests,
    reset: () => anthropicStandIn().reset(),
    cost: "estimate",
  },
  {
    provider: "openrouter",
    key: (marker) => fakeOpenRouterKey(marker),
    markers: { busy: "b0b0", retired: "d0d0", cut: "dc0" },
    first: "openai/gpt-6-luna",
    fallback: "google/gemini-3.8-flash",
    chosen: "anthropic/claude-haiku-5.5",
    requests: () => openRouterStandIn().requests,
    reset: () => openRouterStandIn().reset(),
    cost: "reported",
  },
];

const generationsWith = (entry: Case, apiKey: string) => entry.requests().filter((request) => request.apiKey === apiKey && request.method === "POST");

async function userWith(entry: Case, marker: string): Promise<AiCaller & { apiKey: string }> {
  const user = await signUpAiCaller();
  const apiKey = entry.key(marker);
  await user.call("setApiKey", { apiKey, provider: entry.provider, verify: false });
  return { ...user, apiKey };
}

/** The user's model choice, written as `setModel` stores it (the `model` field of the key's record). */
const chooseModel = (uid: string, provider: Provider, model: string) => adminDb().doc(`apiKeys/${uid}/providers/${provider}`).update({ model });
const storedChoice = async (uid: string, provider: Provider) => (await adminDb().doc(`apiKeys/${uid}/providers/${provider}`).get()).get("model") as unknown;

for (const entry of cases) {
  describe(`model fallback and token usage: ${entry.provider}`, function () {
    this.timeout(90_000);
    afterEach(() => entry.reset());
    after(disposeClients);

    it(`a busy first model (${entry.first}) falls back to ${entry.fallback}, and the result says so`, async () => {
      const user = await userWith(entry, entry.markers.busy);
      const result = await user.call<GenerateQuestionsResult>("generateQuestions", { ...questionsRequest(user), provider: entry.provider });

      assert.equal(result.questions.length, 3);
      assert.deepEqual(
        generationsWith(entry, user.apiKey).map((request) => request.model),
        [entry.first, entry.fallback],
        "the stand-in saw the first model, then the fallback",
      );
      assert.equal(result.model, entry.fallback);
      assert.equal(result.fallback, true);
      assert.deepEqual(result.fallbackFrom, { model: entry.first, why: "busy" });
      const practice = await adminDb().doc(`users/${user.uid}/practices/${result.practiceId}`).get();
      assert.equal(practice.get("model"), entry.fallback, "history names the model that answered");
    });

    it("a call on the first model says which model answered, with no fallback, and its tokens show in apiKeyStatus", async () => {
      const user = await userWith(entry, "");
      const result = await user.call<GenerateQuestionsResult>("generateQuestions", { ...questionsRequest(user), provider: entry.provider });

      assert.equal(result.model, entry.first);
      assert.equal(result.fallback, undefined);
      const usage = result.usage!;
      assert.ok(usage.inputTokens > 0 && usage.outputTokens > 0, "the provider's token counts");
      if (entry.cost === "none") assert.equal(usage.cost, undefined, "no price in the table, no cost");
      else assert.equal(usage.cost?.kind, entry.cost);
      if (entry.cost === "estimate") assert.match(usage.cost?.priceDate ?? "", /^\d{4}-\d{2}-\d{2}$/);

      const status: ApiKeyStatus = await keyStatusOf(user, entry.provider);
      assert.equal(status.callsToday, 1);
      assert.deepEqual(status.tokensToday, { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, thinkingTokens: usage.thinkingTokens });
      assert.deepEqual(status.costToday, usage.cost);

      // A second call adds to the day's figures.
      const second = await user.call<GenerateQuestionsResult>("generateQuestions", { ...questionsRequest(user), provider: entry.provider });
      const after = await keyStatusOf(user, entry.provider);
      assert.equal(after.callsToday, 2);
      assert.equal(after.tokensToday?.inputTokens, usage.inputTokens + second.usage!.inputTokens);
    });

    it(`a retired chosen model (${entry.chosen}) is cleared with an audit event, the default answers, and the result explains it`, async () => {
      const user = await userWith(entry, entry.markers.retired);
      await chooseModel(user.uid, entry.provider, entry.chosen);
      const result = await user.call<GenerateQuestionsResult>("generateQuestions", { ...questionsRequest(user), provider: entry.provider });

      assert.deepEqual(generationsWith(entry, user.apiKey).map((request) => request.model), [entry.chosen, entry.first]);
      assert.equal(result.model, entry.first);
      assert.deepEqual(result.fallbackFrom, { model: entry.chosen, why: "retired", choiceCleared: true });
      assert.equal(await storedChoice(user.uid, entry.provider), undefined, "the choice is cleared");
      const { events } = await user.call<{ events: KeyActivityEvent[] }>("apiKeyActivity", { provider: entry.provider });
      assert.ok(
        events.some((event) => event.event === "model" && event.outcome === "retired" && event.model === entry.chosen),
        "the clearing is audited",
      );

      // Explained once: the next call runs on the default from the start.
      const next = await user.call<GenerateQuestionsResult>("generateQuestions", { ...questionsRequest(user), provider: entry.provider });
      assert.equal(next.model, entry.first);
      assert.equal(next.fallbackFrom, undefined);
    });

    it("an answer cut half-way (possibly billed) is not followed by a fallback: exactly one request", async () => {
      const user = await userWith(entry, entry.markers.cut);
      await assertCallFails(user.call("generateQuestions", { ...questionsRequest(user), provider: entry.provider }), {
        code: "unavailable",
        reason: "AI_UNAVAILABLE",
      });
      assert.deepEqual(generationsWith(entry, user.apiKey).map((request) => request.model), [entry.first]);
    });
  });
}

/**
 * A chain longer than the call's budget, for which the params must differ from the emulators': the real
 * handler in this process (Firestore, KMS and the stand-in as in every test), GEMINI_FALLBACK_MODELS set here.
 */
describe("model fallback within the call's budget of 3 attempts (handler run in-process)", function () {
  this.timeout(60_000);
  const longChain = ["gemini-flash-latest", "gemini-3.7-flash", "gemini-3.6-flash", "gemini-3.5-flash"];
  useParams({ GEMINI_FALLBACK_MODELS: longChain.slice(1).join(",") });
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("every model busy: three requests (the first model, then two fallbacks), then AI_UNAVAILABLE saying Gemini is busy", async () => {
    const user = await userWithKey();
    for (const model of longChain) geminiStandIn().setModelBehaviour(model, "busy");
    const error = await callInProcess(generateQuestions, user.uid, questionsRequest(user)).then(
      () => assert.fail("the call should fail"),
      (failure: unknown) => failure as { code?: string; details?: { reason?: string }; message?: string },
    );
    assert.equal(error.details?.reason, "AI_UNAVAILABLE");
    assert.match(error.message ?? "", /busy/);
    assert.deepEqual(
      generateRequestsFor(user).map((request) => request.model),
      longChain.slice(0, 3),
    );
  });
});
