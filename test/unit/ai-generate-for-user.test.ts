import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { GenkitError } from "genkit";
import { mockModel, type MockResponse } from "genkit/testing";
import {
  accessTokenTypeUnsupportedError,
  consumerSuspendedError,
  expiredKeyError,
  internalError,
  invalidKeyError,
  invalidThinkingConfigError,
  modelNotFoundError,
  overloadedError,
  quotaExceededError,
  serviceBlockedError,
  type GoogleError,
} from "../../dev/gemini-stand-in/error-bodies";
import { aiCallStepChannel } from "../../functions/src/ai/call-steps";
import { generateFeedbackForUser, generateQuestionsForUser, type GenerationDeps } from "../../functions/src/ai/generate-for-user";
import { ai } from "../../functions/src/ai/genkit";
import type { Progress } from "../../functions/src/ai/schemas";
import { defaultRetryPolicy } from "../../functions/src/ai/transient-retry";
import type { ErrorAction, Reason } from "../../functions/src/contract";
import { AppError, toHttpsError } from "../../functions/src/errors";
import type { KeyState } from "../../functions/src/vault/api-key-vault";
import { assertNoKeyLogged, captureLogs, messageOf, type LoggedEntry } from "../support/function-logs";
import { fakeGeminiKey, keyShaped } from "../support/keys";

/**
 * The AI orchestration (generate-for-user.ts) without a network, Firestore or KMS: the real flows, the
 * real user-key model with its classification and retry, and in place of the googleAI plugin's Gemini
 * model a Genkit mock model registered under the name the user-key model looks up
 * (`googleai/<GEMINI_MODEL>`), answering what each test programs — as Genkit's own tests do. Failures
 * are thrown exactly as the plugin (1.42) throws them: a GenkitError with Google's parsed body in
 * `detail` and its text in the message (see makeRequest in @genkit-ai/google-genai's googleai/client).
 * The emulator tests cover the same behaviour end to end.
 */

const model = "unit-test-gemini";
const gemini = mockModel(ai, { name: `googleai/${model}` });
const generateMethod = "google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent";

/** What the plugin throws for an HTTP failure: its own status for the code, Google's body in `detail`. */
function pluginHttpError({ httpStatus, body }: GoogleError): GenkitError {
  const status = ({ 400: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" } as const)[httpStatus] ?? "UNKNOWN";
  return new GenkitError({
    status,
    message: `Error fetching from ${model}:generateContent: [${httpStatus}] ${body.error.message}\nDetails:\n${JSON.stringify(body.error.details ?? [])}`,
    detail: body,
  });
}

/** What the plugin throws when fetch itself failed: no answer from Google, so perhaps billed, never sent again. */
const fetchFailed = () => new Error(`Failed to fetch from ${model}:generateContent: This operation was aborted`);
/** What the plugin throws when Gemini blocked the prompt (no candidates). */
const promptBlocked = () => new GenkitError({ status: "FAILED_PRECONDITION", message: "No valid candidates returned." });
/** What the plugin returns when Gemini blocked its own answer (finishReason SAFETY, no content). */
const answerBlocked = (): MockResponse => ({ content: [], finishReason: "blocked" });

const questionsAnswer = (count: number): MockResponse => ({
  text: JSON.stringify({
    questions: Array.from({ length: count }, (_, index) => ({ text: `Question ${index + 1}?`, category: "technical", rationale: "Tests depth." })),
  }),
});
const feedbackAnswer = (itemCount: number): MockResponse => ({
  text: JSON.stringify({
    overallScore: 70,
    summary: "Solid answers.",
    items: Array.from({ length: itemCount }, () => ({ score: 70, strengths: ["clear"], improvements: ["add numbers"] })),
  }),
});

const questionsInput = { jobTitle: "Platform engineer", interviewType: "technical" as const, count: 3 };
const feedbackInput = {
  jobTitle: "Designer",
  items: [
    { questionId: "q1", question: "Tell me about a redesign.", answer: "I led one." },
    { questionId: "q2", question: "How do you test ideas?", answer: "With users." },
  ],
};

/** An in-memory vault holding at most one key, recording what the orchestration tells it. */
function fakeVault(stored: { apiKey: string; keyId: string } | null) {
  const marked: Array<{ keyId: string; state: KeyState }> = [];
  const used: string[] = [];
  return {
    marked,
    used,
    failBookkeeping: false,
    async readApiKey() {
      return stored;
    },
    async readPreferredApiKey() {
      return stored && { ...stored, provider: "googleai" as const };
    },
    async recordFailedUse(_uid: string, _provider: string, keyId: string, verdict: "rejected_by_provider" | "quota_exhausted") {
      if (this.failBookkeeping) throw new Error("Firestore unavailable");
      // The state the vault gives a key after that verdict.
      marked.push({ keyId, state: verdict === "rejected_by_provider" ? "invalid" : "quota_exhausted" });
    },
    async recordUse(_uid: string, _provider: string, keyId: string) {
      if (this.failBookkeeping) throw new Error("Firestore unavailable");
      used.push(keyId);
    },
  };
}

type KeySource = "user" | "default";

/** A caller and the dependencies a generation for them runs with: their own key, or the app's shared one. */
function setUp(keySource: KeySource, userKeyShape: "auth" | "standard" = "auth") {
  const userKey = fakeGeminiKey("", userKeyShape);
  const projectKey = fakeGeminiKey();
  const vault = fakeVault(keySource === "user" ? { apiKey: userKey, keyId: "key-1" } : null);
  const allowanceUsed: string[] = [];
  const projectBudgetUsed: number[] = [];
  const ownCallsCounted: string[] = [];
  const quotaFailures: Array<number | undefined> = [];
  const deps: GenerationDeps = {
    vault,
    defaultKey: {
      allowed: keySource === "default",
      dailyCap: 20,
      readKey: () => projectKey,
      consumeAllowance: async (uid) => void allowanceUsed.push(uid),
      project: {
        ensureClosed: async () => {},
        consumeBudget: async () => void projectBudgetUsed.push(1),
      },
    },
    ownKey: { countCall: async (uid) => void ownCallsCounted.push(uid) },
    sharedKey: { recordQuotaFailure: async (retryAfterSeconds) => void quotaFailures.push(retryAfterSeconds) },
    upstream: () => ({ model, baseUrl: "http://127.0.0.1:9" }),
    // The deployed number of attempts, without the backoff's wait.
    call: { retry: { ...defaultRetryPolicy, baseDelayMs: 1 } },
  };
  const apiKey = keySource === "user" ? userKey : projectKey;
  return { deps, vault, apiKey, allowanceUsed, projectBudgetUsed, ownCallsCounted, quotaFailures };
}

/** A verified, non-anonymous account: one that may run on the app's shared key. */
const account = { emailVerified: true, signInProvider: "password" };
const caller = (progress: (chunk: Progress) => void) => ({ uid: "alice", account, progress });

async function runQuestions(deps: GenerationDeps) {
  const chunks: Progress[] = [];
  const run = await captureLogs(() => generateQuestionsForUser(caller((chunk) => chunks.push(chunk)), questionsInput, deps));
  return { ...run, chunks };
}

/** What the client of the callable receives for a failed generation. */
function clientFailure(error: unknown) {
  assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
  const { code, message, details } = toHttpsError(error);
  return { code, message, details: details as { reason: Reason; action?: ErrorAction; retryAfterSeconds?: number } };
}

const generationOutcomes = (entries: LoggedEntry[]) => entries.filter((entry) => /^ai generation/.test(messageOf(entry))).map((entry) => entry.outcome);

describe("AI orchestration (generate-for-user), network-free", () => {
  beforeEach(() => gemini.reset());


  describe("each upstream failure, as the user meets it", () => {
    interface Expected {
      code: string;
      reason: Reason;
      action?: ErrorAction;
      retryAfterSeconds?: number;
      message: RegExp;
      /** What becomes of the stored key's state; absent: left as it is. */
      state?: KeyState;
    }
    interface Row {
      upstream: string;
      /** The failure kind the orchestration logs. */
      kind: string;
      /** What the plugin's model does on each call (the last entry repeats). */
      answers: (apiKey: string) => Array<MockResponse | Error>;
      /** Calls Gemini receives. */
      attempts: number;
      userKeyShape?: "standard";
      user: Expected;
      shared: Expected;
    }

    const rejectedUserKey: Expected = {
      code: "failed-precondition",
      reason: "KEY_INVALID",
      action: "settings",
      message: /^Google rejected your saved Gemini key\. .*replace it in Settings\.$/,
      state: "invalid",
    };
    const rejectedSharedKey: Expected = {
      code: "unavailable",
      reason: "AI_UNAVAILABLE",
      action: "settings",
      message: /^The app's shared Gemini key is not working right now\. Add your own key in Settings/,
    };
    const unavailable: Expected = { code: "unavailable", reason: "AI_UNAVAILABLE", message: /^Gemini is temporarily unavailable\. Nothing is lost/ };
    const busy: Expected = { code: "unavailable", reason: "AI_UNAVAILABLE", message: /^Gemini is busy right now\. Nothing was charged/ };
    const noAnswer: Expected = {
      code: "unavailable",
      reason: "AI_UNAVAILABLE",
      message: /^Gemini did not answer in time\. It was not asked again, so nothing is charged twice; try again in a moment\.$/,
    };
    const blocked: Expected = { code: "invalid-argument", reason: "INVALID_INPUT", message: /safety settings\. Rephrase your input/ };
    const modelGone: Expected = {
      code: "failed-precondition",
      reason: "MODEL_UNAVAILABLE",
      message: new RegExp(`^The AI model Interview AI runs on \\(${model}\\) is not available right now\\. Your key is fine`),
    };
    const malformed: Expected = { code: "unavailable", reason: "AI_UNAVAILABLE", message: /^Gemini's answer could not be used\. Try again in a moment\.$/ };

    const rows: Row[] = [
      { upstream: "400 API_KEY_INVALID", kind: "key_invalid", answers: () => [pluginHttpError(invalidKeyError())], attempts: 1, user: rejectedUserKey, shared: rejectedSharedKey },
      { upstream: "400 API_KEY_INVALID (expired)", kind: "key_invalid", answers: () => [pluginHttpError(expiredKeyError())], attempts: 1, user: rejectedUserKey, shared: rejectedSharedKey },
      {
        upstream: "400 API_KEY_INVALID for a retired “AIza” key",
        kind: "key_invalid",
        userKeyShape: "standard",
        answers: () => [pluginHttpError(invalidKeyError())],
        attempts: 1,
        user: { ...rejectedUserKey, message: /^Your saved key starts with “AIza”, a kind of key Google retired in 2026\. Create a new key in Google AI Studio/ },
        shared: rejectedSharedKey,
      },
      {
        upstream: "401 ACCESS_TOKEN_TYPE_UNSUPPORTED",
        kind: "key_invalid",
        answers: () => [pluginHttpError(accessTokenTypeUnsupportedError(generateMethod))],
        attempts: 1,
        user: rejectedUserKey,
        shared: rejectedSharedKey,
      },
      {
        upstream: "403 API_KEY_SERVICE_BLOCKED",
        kind: "key_invalid",
        answers: (apiKey) => [pluginHttpError(serviceBlockedError(apiKey, generateMethod))],
        attempts: 1,
        user: rejectedUserKey,
        shared: rejectedSharedKey,
      },
      {
        upstream: "403 CONSUMER_SUSPENDED (Google's message quotes the key)",
        kind: "key_invalid",
        answers: (apiKey) => [pluginHttpError(consumerSuspendedError(apiKey))],
        attempts: 1,
        user: rejectedUserKey,
        shared: rejectedSharedKey,
      },
      {
        upstream: "429 RESOURCE_EXHAUSTED with RetryInfo 59s",
        kind: "quota",
        answers: () => [pluginHttpError(quotaExceededError(model))],
        attempts: 1,
        user: {
          code: "resource-exhausted",
          reason: "QUOTA_EXCEEDED",
          action: "provider_quota",
          retryAfterSeconds: 59,
          message: /^Your Gemini key has run out of quota\. .* try again in 59 seconds if it is a per-minute limit\.$/,
          state: "quota_exhausted",
        },
        shared: {
          code: "resource-exhausted",
          reason: "QUOTA_EXCEEDED",
          action: "settings",
          retryAfterSeconds: 59,
          message: /^The app's shared Gemini key is out of quota for now\. Add your own Gemini API key in Settings/,
        },
      },
      {
        upstream: "404 NOT_FOUND for the model",
        kind: "model_unavailable",
        answers: () => [pluginHttpError(modelNotFoundError(model, "v1beta", "generateContent"))],
        attempts: 1,
        user: modelGone,
        shared: modelGone,
      },
      // A busy model with no other model in the chain (these deps name none): asked again, as busy passes.
      { upstream: "503 UNAVAILABLE on every attempt", kind: "model_busy", answers: () => [pluginHttpError(overloadedError())], attempts: 3, user: busy, shared: busy },
      { upstream: "500 INTERNAL on every attempt", kind: "transient", answers: () => [pluginHttpError(internalError())], attempts: 3, user: unavailable, shared: unavailable },
      // No answer: Google may have generated (and billed) it, so it is not asked again.
      { upstream: "a failed or timed-out fetch", kind: "no_answer", answers: () => [fetchFailed()], attempts: 1, user: noAnswer, shared: noAnswer },
      {
        upstream: "400 INVALID_ARGUMENT that names no key problem",
        kind: "unexpected",
        answers: () => [pluginHttpError(invalidThinkingConfigError("Unable to submit request because thinking_level is not supported by this model."))],
        attempts: 1,
        user: unavailable,
        shared: unavailable,
      },
      { upstream: "the prompt blocked by safety settings", kind: "blocked", answers: () => [promptBlocked()], attempts: 1, user: blocked, shared: blocked },
      { upstream: "the answer blocked by safety settings", kind: "blocked", answers: () => [answerBlocked()], attempts: 1, user: blocked, shared: blocked },
      { upstream: "an answer that does not fit the schema, twice", kind: "malformed", answers: () => [{ text: "Sure! Here are your questions:" }], attempts: 2, user: malformed, shared: malformed },
    ];

    for (const row of rows) {
      for (const keySource of ["user", "shared"] as const) {
        const expected = row[keySource];
        const whose = keySource === "user" ? `a user's ${row.userKeyShape === "standard" ? "retired “AIza” " : ""}key` : "the app's shared key";
        it(`${row.upstream} on ${whose} → ${expected.reason}${expected.state ? `, key marked ${expected.state}` : ", key state untouched"}`, async () => {
          const { deps, vault, apiKey } = setUp(keySource === "user" ? "user" : "default", row.userKeyShape);
          gemini.respondWith(row.answers(apiKey));

          const { outcome, lines, entries } = await runQuestions(deps);

          assert.ok(!outcome.ok, "the generation should have failed");
          const failure = clientFailure(outcome.error);
          assert.equal(failure.code, expected.code);
          assert.equal(failure.details.reason, expected.reason);
          assert.equal(failure.details.action, expected.action);
          assert.equal(failure.details.retryAfterSeconds, expected.retryAfterSeconds);
          assert.match(failure.message, expected.message);
          assert.ok(!keyShaped.test(JSON.stringify(failure)), "what the client receives holds a key");

          assert.deepEqual(vault.marked, expected.state ? [{ keyId: "key-1", state: expected.state }] : []);
          assert.deepEqual(vault.used, [], "a failed generation is not a use");
          assert.equal(gemini.requestCount, row.attempts, "calls Gemini received");
          assert.deepEqual(generationOutcomes(entries), [row.kind]);
          assertNoKeyLogged(lines);
        });
      }
    }

    it("tells the operator which model is missing, not the user's key state", async () => {
      const { deps } = setUp("user");
      gemini.respondWith([pluginHttpError(modelNotFoundError(model, "v1beta", "generateContent"))]);
      const { entries } = await runQuestions(deps);
      assert.ok(entries.some((entry) => entry.severity === "ERROR" && /check GEMINI_MODEL$/.test(messageOf(entry)) && entry.model === model && entry.during === "generation"));
    });

    it("tells the operator when the app's shared key is rejected or out of quota", async () => {
      for (const [error, outcome] of [
        [invalidKeyError(), "key_invalid"],
        [quotaExceededError(model), "quota"],
      ] as const) {
        const { deps } = setUp("default");
        gemini.respondWith([pluginHttpError(error)]);
        const { entries } = await runQuestions(deps);
        assert.ok(entries.some((entry) => entry.severity === "ERROR" && messageOf(entry) === "the project's default Gemini key failed" && entry.outcome === outcome), outcome);
      }
    });

    it("tells the shared key's breaker about Google's 429 on it, and not about one on a user's key", async () => {
      const shared = setUp("default");
      gemini.respondWith([pluginHttpError(quotaExceededError(model))]);
      await runQuestions(shared.deps);
      assert.deepEqual(shared.quotaFailures, [59]);

      gemini.reset();
      const own = setUp("user");
      gemini.respondWith([pluginHttpError(quotaExceededError(model))]);
      await runQuestions(own.deps);
      assert.deepEqual(own.quotaFailures, []);
    });

    it("keeps the reason when the key's state cannot be recorded", async () => {
      const { deps, vault } = setUp("user");
      vault.failBookkeeping = true;
      gemini.respondWith([pluginHttpError(invalidKeyError())]);
      const { outcome, entries } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "KEY_INVALID");
      assert.ok(entries.some((entry) => messageOf(entry) === "key status not updated" && entry.operation === "recordFailedUse"));
    });

    it("is KEY_MISSING without a key of one's own and no shared key allowed, and calls nobody", async () => {
      const { deps } = setUp("user");
      deps.vault = fakeVault(null);
      const { outcome } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "KEY_MISSING");
      assert.equal(gemini.requestCount, 0);
    });
  });

  describe("a generation that succeeds", () => {
    it("runs on the user's key, puts it only into the model call, reports progress and records the use", async () => {
      const { deps, vault, apiKey, allowanceUsed } = setUp("user");
      gemini.respondWith(questionsAnswer(3));

      const { outcome, chunks, lines } = await runQuestions(deps);

      assert.ok(outcome.ok, String(!outcome.ok && outcome.error));
      assert.equal(outcome.value.keySource, "user");
      assert.deepEqual(outcome.value.questions.map((question) => question.id), ["q1", "q2", "q3"]);
      assert.deepEqual(chunks, [
        { step: "key", message: "Using your Gemini API key." },
        { step: "generating", message: "Writing 3 questions for Platform engineer…" },
      ]);
      assert.deepEqual(vault.used, ["key-1"]);
      assert.deepEqual(vault.marked, []);
      assert.deepEqual(allowanceUsed, [], "the shared key's allowance is not touched");

      const request = gemini.lastRequest!;
      const config = request.config as Record<string, unknown>;
      assert.equal(config.apiKey, apiKey, "the key reaches the Gemini call");
      assert.ok(!JSON.stringify(request.messages).includes(apiKey), "the key is not part of the prompt");
      assert.equal(config.maxOutputTokens, 8_192);
      assert.deepEqual(config.thinkingConfig, { thinkingLevel: "LOW" });
      assert.match(gemini.lastRequestText!, /Write exactly 3 technical interview questions[\s\S]*Job title: Platform engineer/);
      assertNoKeyLogged(lines);
    });

    it("tells a subscribed measurement its way to the provider, step by step, with nothing but a name and a time", async () => {
      const { deps, apiKey } = setUp("user");
      gemini.respondWith(questionsAnswer(3));
      const published: unknown[] = [];
      const listen = (message: unknown) => published.push(message);
      subscribe(aiCallStepChannel, listen);
      try {
        const { outcome } = await runQuestions(deps);
        assert.ok(outcome.ok, String(!outcome.ok && outcome.error));
      } finally {
        unsubscribe(aiCallStepChannel, listen);
      }

      assert.deepEqual(
        published.map((message) => Object.keys(message as object).sort()),
        [["at", "step"], ["at", "step"]],
      );
      const [flow, model] = published as Array<{ step: string; at: number }>;
      assert.deepEqual([flow.step, model.step], ["flow", "model"]);
      assert.ok(flow.at <= model.at, "the flow starts before Genkit hands the request to the model");
      assert.ok(!JSON.stringify(published).includes(apiKey));
    });

    it("runs on the app's shared key within the daily allowance, and records no use of a stored key", async () => {
      const { deps, vault, apiKey, allowanceUsed } = setUp("default");
      gemini.respondWith(questionsAnswer(3));

      const { outcome, chunks } = await runQuestions(deps);

      assert.ok(outcome.ok);
      assert.equal(outcome.value.keySource, "default");
      assert.deepEqual(chunks[0], { step: "key", message: "Using the app's shared Gemini key." });
      assert.deepEqual(allowanceUsed, ["alice"]);
      assert.deepEqual(vault.used, []);
      assert.equal((gemini.lastRequest!.config as Record<string, unknown>).apiKey, apiKey);
    });

    it("gives feedback item by item, each with the question and question id it belongs to", async () => {
      const { deps, vault } = setUp("user");
      gemini.respondWith(feedbackAnswer(2));
      const chunks: Progress[] = [];

      const { outcome } = await captureLogs(() => generateFeedbackForUser(caller((chunk) => chunks.push(chunk)), feedbackInput, deps));

      assert.ok(outcome.ok);
      const result = outcome.value;
      assert.equal(result.keySource, "user");
      assert.deepEqual(
        result.items.map(({ questionId, question }) => ({ questionId, question })),
        feedbackInput.items.map(({ questionId, question }) => ({ questionId, question })),
      );
      assert.deepEqual(chunks.map((chunk) => chunk.step), ["key", "generating"]);
      assert.deepEqual(vault.used, ["key-1"]);
    });

    it("retries a transient failure and succeeds on the next attempt", async () => {
      const { deps, vault } = setUp("user");
      gemini.respondWith([pluginHttpError(overloadedError()), questionsAnswer(3)]);
      const { outcome } = await runQuestions(deps);
      assert.ok(outcome.ok);
      assert.equal(gemini.requestCount, 2);
      assert.deepEqual(vault.used, ["key-1"]);
    });

    it("does not fail a generation the user paid for when its use cannot be recorded", async () => {
      const { deps, vault } = setUp("user");
      vault.failBookkeeping = true;
      gemini.respondWith(questionsAnswer(3));
      const { outcome, entries } = await runQuestions(deps);
      assert.ok(outcome.ok);
      assert.ok(entries.some((entry) => messageOf(entry) === "key status not updated" && entry.operation === "recordUse"));
    });
  });

  describe("one call sends Gemini at most three requests", () => {
    it("a transient failure, a malformed answer, then another transient failure: three requests, then AI_UNAVAILABLE", async () => {
      const { deps, vault } = setUp("user");
      gemini.respondWith([pluginHttpError(overloadedError()), { text: "{ not json" }, pluginHttpError(overloadedError()), questionsAnswer(3)]);
      const { outcome, entries } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "AI_UNAVAILABLE");
      assert.equal(gemini.requestCount, 3);
      assert.deepEqual(generationOutcomes(entries), ["model_busy"]);
      assert.deepEqual(vault.used, []);
    });

    it("two transient failures, then a malformed answer: not asked again, the budget is spent", async () => {
      const { deps } = setUp("user");
      gemini.respondWith([pluginHttpError(overloadedError()), pluginHttpError(internalError()), { text: "{ not json" }, questionsAnswer(3)]);
      const { outcome, chunks, entries } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "AI_UNAVAILABLE");
      assert.equal(gemini.requestCount, 3);
      assert.deepEqual(chunks.map((chunk) => chunk.step), ["key", "generating"]);
      assert.deepEqual(generationOutcomes(entries), ["malformed"]);
    });

    it("counts a call on the user's own key against their daily limit, and a shared-key call against the project's budget", async () => {
      const own = setUp("user");
      gemini.respondWith(questionsAnswer(3));
      assert.ok((await runQuestions(own.deps)).outcome.ok);
      assert.deepEqual(own.ownCallsCounted, ["alice"]);
      assert.deepEqual(own.projectBudgetUsed, []);

      const shared = setUp("default");
      assert.ok((await runQuestions(shared.deps)).outcome.ok);
      assert.deepEqual(shared.ownCallsCounted, []);
      assert.deepEqual(shared.projectBudgetUsed, [1]);
    });
  });

  describe("a malformed answer is asked for once more", () => {
    const retried = [
      { step: "key", message: "Using your Gemini API key." },
      { step: "generating", message: "Writing 3 questions for Platform engineer…" },
      { step: "retrying", message: "Gemini's answer was incomplete; asking again…" },
    ];

    for (const [what, first] of [
      ["text that is not JSON", { text: "Sure! Here are your questions:" }],
      ["JSON of the wrong shape", { text: JSON.stringify({ questions: "three" }) }],
      ["the wrong number of questions", questionsAnswer(2)],
    ] as const) {
      it(`${what}, then a good answer: succeeds on the second ask`, async () => {
        const { deps, vault } = setUp("user");
        gemini.respondWith([first, questionsAnswer(3)]);
        const { outcome, chunks } = await runQuestions(deps);
        assert.ok(outcome.ok, String(!outcome.ok && outcome.error));
        assert.equal(outcome.value.questions.length, 3);
        assert.equal(gemini.requestCount, 2);
        assert.deepEqual(chunks, retried);
        assert.deepEqual(vault.used, ["key-1"]);
      });
    }

    it("malformed twice: AI_UNAVAILABLE after exactly two asks, the key untouched", async () => {
      const { deps, vault } = setUp("user");
      gemini.respondWith([{ text: "{ not json" }]);
      const { outcome, chunks } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "AI_UNAVAILABLE");
      assert.equal(gemini.requestCount, 2);
      assert.deepEqual(chunks, retried);
      assert.deepEqual(vault.marked, []);
      assert.deepEqual(vault.used, []);
    });

    it("a key failure on the second ask is reported as that failure", async () => {
      const { deps, vault } = setUp("user");
      gemini.respondWith([{ text: "{ not json" }, pluginHttpError(invalidKeyError())]);
      const { outcome } = await runQuestions(deps);
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "KEY_INVALID");
      assert.deepEqual(vault.marked, [{ keyId: "key-1", state: "invalid" }]);
    });

    it("feedback with the wrong number of items twice: AI_UNAVAILABLE", async () => {
      const { deps } = setUp("user");
      gemini.respondWith([feedbackAnswer(1)]);
      const chunks: Progress[] = [];
      const { outcome } = await captureLogs(() => generateFeedbackForUser(caller((chunk) => chunks.push(chunk)), feedbackInput, deps));
      assert.ok(!outcome.ok);
      assert.equal(clientFailure(outcome.error).details.reason, "AI_UNAVAILABLE");
      assert.equal(gemini.requestCount, 2);
      assert.deepEqual(chunks.map((chunk) => chunk.step), ["key", "generating", "retrying"]);
    });
  });
});
