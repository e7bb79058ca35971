import assert from "node:assert/strict";
import { status as grpcStatus } from "@grpc/grpc-js";
import { assertCallError, assertCallFails, disposeClients, keyStatusOf, signedOutCaller } from "../support/firebase-client";
import { geminiStandIn, localKms } from "../support/hooks";
import {
  assertNoKeyIn,
  generateRequestsFor,
  questionsRequest,
  signUpAiCaller,
  userWithKey,
} from "../support/ai";
import { keyShaped } from "../support/keys";
import { callUntilRefused, reasonOf } from "../support/rate-limits";
import type { GenerateQuestionsResult } from "../../functions/src/contract";

describe("generateQuestions", function () {
  this.timeout(120_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("refuses a signed-out caller", async () => {
    await assertCallFails(signedOutCaller().call("generateQuestions", { jobTitle: "Engineer", interviewType: "technical" }), { code: "unauthenticated" });
  });

  it("writes the requested number of questions on the caller's own key, and counts the use", async () => {
    const user = await userWithKey();
    const result = await user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user, { count: 4, seniority: "senior", jobDescription: "Runs Kubernetes." }));

    assert.equal(result.keySource, "user");
    assert.deepEqual(result.questions.map((q) => q.id), ["q1", "q2", "q3", "q4"]);
    for (const question of result.questions) assert.ok(question.text.length > 0 && question.category.length > 0);
    assert.ok(!keyShaped.test(JSON.stringify(result)));

    const requests = generateRequestsFor(user);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].apiKey, user.apiKey, "Gemini was called with exactly the caller's key");
    assert.equal(requests[0].model, "gemini-flash-latest", "the configured model: Google's maintained alias");
    assert.equal(requests[0].path, "/v1beta/models/gemini-flash-latest:generateContent");
    const { generationConfig } = requests[0].body as { generationConfig: { maxOutputTokens?: number; thinkingConfig?: unknown } };
    assert.ok(generationConfig.maxOutputTokens !== undefined && generationConfig.maxOutputTokens <= 8_192, "output is bounded");
    assert.deepEqual(generationConfig.thinkingConfig, { thinkingLevel: "LOW" }, "Gemini 3's default thinking is bounded");

    const status = await keyStatusOf(user);
    assert.equal(status.state, "active");
    assert.equal(status.usageCount, 1);
    assert.ok(status.lastUsedAt);
  });

  it("streams progress chunks { step, message } to a streaming caller, then the same result", async () => {
    const user = await userWithKey();
    const { chunks, result } = await user.stream<GenerateQuestionsResult>("generateQuestions", questionsRequest(user, { count: 2 }));
    assert.deepEqual(chunks.map((chunk) => chunk.step), ["key", "generating"]);
    for (const chunk of chunks) assert.deepEqual(Object.keys(chunk).sort(), ["message", "step"]);
    assert.equal(result.questions.length, 2);
    assert.equal(result.keySource, "user");
  });

  it("is KEY_MISSING for a user without a key (the default-key fallback is off)", async () => {
    const user = await signUpAiCaller();
    // Only this test's requests count: in a --grep subset, earlier files' tests leave theirs recorded.
    const sentBefore = geminiStandIn().requests.length;
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_MISSING" });
    assert.deepEqual(geminiStandIn().requests.slice(sentBefore), []);
  });

  it("rejects invalid input before decrypting the key or calling Gemini", async () => {
    const user = await userWithKey();
    const kms = localKms();
    kms.injectFault({ method: "*", code: grpcStatus.UNAVAILABLE }); // a decryption attempt would surface as KEY_STORE_UNAVAILABLE
    const decryptsBefore = kms.callCount("Decrypt");
    const sentBefore = geminiStandIn().requests.length;
    const invalid: unknown[] = [
      {},
      { jobTitle: "Engineer" },
      { jobTitle: "Engineer", interviewType: "casual" },
      { jobTitle: 42, interviewType: "technical" },
      { jobTitle: "Engineer", interviewType: "technical", count: 11 },
      { jobTitle: "Engineer", interviewType: "technical", jobDescription: "x".repeat(8_001) },
      { jobTitle: "x".repeat(100_000), interviewType: "technical" },
      { jobTitle: "Engineer", interviewType: "technical", apiKey: user.apiKey },
      "just a string",
    ];
    for (const data of invalid) {
      const error = await assertCallFails(user.call("generateQuestions", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
      assertNoKeyIn(error);
    }
    assert.equal(kms.callCount("Decrypt"), decryptsBefore, "no key was decrypted");
    assert.deepEqual(geminiStandIn().requests.slice(sentBefore), [], "Gemini was never called");
  });

  describe("upstream failures reach the user as reasons, and update the stored key's state", () => {
    const keyRejections = ["invalidkey", "expiredkey", "denied", "suspended", "tokentype"];
    for (const marker of keyRejections) {
      it(`${marker}: KEY_INVALID, state invalid, and the key is not echoed`, async () => {
        const user = await userWithKey(marker);
        const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_INVALID" });
        assertNoKeyIn(error);
        assert.equal(generateRequestsFor(user).length, 1, "a rejected key is not retried");
        assert.equal((await keyStatusOf(user)).state, "invalid");
      });
    }

    it("a retired AIza key: KEY_INVALID with advice to create a new key in AI Studio, state invalid", async () => {
      const user = await userWithKey("", "standard");
      const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_INVALID" });
      assert.match(error.message, /retired/);
      assert.equal((error.details as { action?: string }).action, "settings");
      assertNoKeyIn(error);
      assert.equal((await keyStatusOf(user)).state, "invalid");
    });

    it("a model Google does not serve to this key: MODEL_UNAVAILABLE naming the model, each model of the chain asked once, the key's state untouched", async () => {
      const user = await userWithKey("nomodel");
      const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" });
      assert.match(error.message, /\(gemini-flash-latest\)/);
      assert.match(error.message, /Your key is fine/);
      // A model that is gone moves the call to the fallback (GEMINI_FALLBACK_MODELS), never to the same model again.
      assert.deepEqual(
        generateRequestsFor(user).map((request) => request.model),
        ["gemini-flash-latest", "gemini-flash-lite-latest"],
      );
      assert.equal((await keyStatusOf(user)).state, "unverified");
    });

    it("quota exhausted: QUOTA_EXCEEDED with retryAfterSeconds, state quota_exhausted, no retry", async () => {
      const user = await userWithKey("genquota");
      const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
      assert.equal(typeof (error.details as { retryAfterSeconds?: number }).retryAfterSeconds, "number");
      assert.equal(generateRequestsFor(user).length, 1);
      assert.equal((await keyStatusOf(user)).state, "quota_exhausted");
    });

    for (const marker of ["overloaded", "servererror"]) {
      it(`${marker}: retried with backoff within the call's 3 upstream attempts, then AI_UNAVAILABLE; the key's state is unchanged`, async () => {
        const user = await userWithKey(marker);
        const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "AI_UNAVAILABLE" });
        assertNoKeyIn(error);
        assert.equal(generateRequestsFor(user).length, 3);
        assert.equal((await keyStatusOf(user)).state, "unverified");
      });
    }

    for (const marker of ["blocked", "unsafeanswer"]) {
      it(`${marker}: content blocked by safety settings is a clear INVALID_INPUT, not a crash`, async () => {
        const user = await userWithKey(marker);
        const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "invalid-argument", reason: "INVALID_INPUT" });
        assert.match(error.message, /safety/);
      });
    }

    it("a key that failed is set back to active by the next successful call", async () => {
      const user = await userWithKey();
      geminiStandIn().setBehaviour(user.apiKey, { outcome: "generation-quota" });
      await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "resource-exhausted", reason: "QUOTA_EXCEEDED" });
      assert.equal((await keyStatusOf(user)).state, "quota_exhausted");

      geminiStandIn().setBehaviour(user.apiKey, { outcome: "ok" });
      await user.call("generateQuestions", questionsRequest(user));
      const status = await keyStatusOf(user);
      assert.equal(status.state, "active");
      assert.equal(status.usageCount, 1);
    });
  });

  describe("malformed model output", () => {
    it("is asked for once more, and the good second answer is returned", async () => {
      const user = await userWithKey();
      geminiStandIn().corruptNextAnswers(1, "schema-mismatch", user.apiKey);
      const result = await user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user));
      assert.equal(result.questions.length, 3);
      assert.equal(generateRequestsFor(user).length, 2);
    });

    it("twice in a row is AI_UNAVAILABLE, never a half-parsed answer", async () => {
      const user = await userWithKey();
      geminiStandIn().corruptNextAnswers(2, "malformed-json", user.apiKey);
      await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.equal(generateRequestsFor(user).length, 2);
    });
  });

  describe("the call's budget of upstream attempts, shared by transient retries and the malformed-answer retry", () => {
    it("after two 503s, a malformed third answer is not asked for again: 3 requests, AI_UNAVAILABLE", async () => {
      const user = await userWithKey();
      geminiStandIn().scriptOutcomes(user.apiKey, ["overloaded", "overloaded"]);
      geminiStandIn().corruptNextAnswers(1, "schema-mismatch", user.apiKey);
      const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.match(error.message, /could not be used/);
      assert.equal(generateRequestsFor(user).length, 3);
    });

    it("a malformed answer, then 503s: the retry's transient retries stop at the call's third request (before: 4)", async () => {
      const user = await userWithKey();
      geminiStandIn().scriptOutcomes(user.apiKey, ["ok", "overloaded", "overloaded", "overloaded"]);
      geminiStandIn().corruptNextAnswers(1, "malformed-json", user.apiKey);
      await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "AI_UNAVAILABLE" });
      assert.equal(generateRequestsFor(user).length, 3);
    });

    it("a 503, a malformed answer, then a good one: served within the budget", async () => {
      const user = await userWithKey();
      geminiStandIn().scriptOutcomes(user.apiKey, ["overloaded"]);
      geminiStandIn().corruptNextAnswers(1, "malformed-json", user.apiKey);
      const result = await user.call<GenerateQuestionsResult>("generateQuestions", questionsRequest(user));
      assert.equal(result.questions.length, 3);
      assert.equal(generateRequestsFor(user).length, 3);
    });
  });

  it("stops using a removed key at once: the next call is KEY_MISSING", async () => {
    const user = await userWithKey();
    await user.call("generateQuestions", questionsRequest(user));
    assert.deepEqual(await user.call("removeApiKey", {}), { removed: true });
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_MISSING" });
    assert.equal(generateRequestsFor(user).length, 1);
  });

  it("is KEY_STORE_UNAVAILABLE when KMS fails while the key is being decrypted", async () => {
    const user = await userWithKey();
    localKms().injectFault({ method: "Decrypt", code: grpcStatus.UNAVAILABLE });
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "KEY_STORE_UNAVAILABLE" });
    assert.equal(generateRequestsFor(user).length, 0);
  });

  it("rate-limits each user per minute: over the limit is RATE_LIMITED with retryAfterSeconds", async () => {
    const user = await signUpAiCaller(); // no key: each call is counted, then fails fast with KEY_MISSING
    const limit = 10; // AI_RATE_LIMIT_PER_MINUTE's default
    const { refusal } = await callUntilRefused({ uid: user.uid, bucket: "ai", limit }, async () => {
      const error = await user.call("generateQuestions", questionsRequest(user)).then(() => assert.fail("expected a failure"), (e: unknown) => e);
      if (reasonOf(error) === "RATE_LIMITED") return error;
      assert.equal(reasonOf(error), "KEY_MISSING");
      return undefined;
    });
    const error = assertCallError(refusal, { code: "resource-exhausted", reason: "RATE_LIMITED" });
    const retryAfter = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
    assert.ok(typeof retryAfter === "number" && retryAfter >= 1 && retryAfter <= 60);
    // The limit is per user: someone else is unaffected.
    const other = await signUpAiCaller();
    await assertCallFails(other.call("generateQuestions", questionsRequest(other)), { code: "failed-precondition", reason: "KEY_MISSING" });
  });
});
