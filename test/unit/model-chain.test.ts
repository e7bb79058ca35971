import assert from "node:assert/strict";
import { ModelChain, modelChain, nextStep, tokenUsageOf } from "../../functions/src/ai/model-chain";
import type { UpstreamCallFailure } from "../../functions/src/provider-apis/upstream-failure";

describe("model chain (which model a call tries next)", () => {
  it("puts the first choice first, then the fallbacks, without repeats or empty names", () => {
    assert.deepEqual(modelChain("gemini-3.7-flash", ["gemini-flash-latest", "gemini-flash-lite-latest", "gemini-flash-latest", ""]), [
      "gemini-3.7-flash",
      "gemini-flash-latest",
      "gemini-flash-lite-latest",
    ]);
    assert.deepEqual(modelChain("gemini-flash-latest", ["gemini-flash-latest"]), ["gemini-flash-latest"]);
  });

  it("moves on from a busy or gone model, retries a busy one when no other is left, and a server error on the same model", () => {
    const room = { hasNextModel: true, attemptsLeft: 2 };
    const last = { hasNextModel: false, attemptsLeft: 2 };
    assert.deepEqual(nextStep({ kind: "model_busy" }, room), { next: "model", why: "busy" });
    assert.deepEqual(nextStep({ kind: "model_unavailable" }, room), { next: "model", why: "retired" });
    assert.deepEqual(nextStep({ kind: "model_busy" }, last), { next: "same" });
    assert.deepEqual(nextStep({ kind: "model_unavailable" }, last), { next: "stop" });
    assert.deepEqual(nextStep({ kind: "transient" }, room), { next: "same" });
  });

  it("never moves on after an attempt that may have been billed, nor after a key, quota or content problem", () => {
    const stops: UpstreamCallFailure[] = [
      { kind: "no_answer" },
      { kind: "cancelled" },
      { kind: "blocked" },
      { kind: "key_invalid" },
      { kind: "key_not_permitted" },
      { kind: "quota" },
      { kind: "rate_limited" },
      { kind: "unexpected" },
    ];
    for (const failure of stops) assert.deepEqual(nextStep(failure, { hasNextModel: true, attemptsLeft: 2 }), { next: "stop" }, failure.kind);
  });

  it("stops when the call's attempts are spent, whatever the failure", () => {
    assert.deepEqual(nextStep({ kind: "model_busy" }, { hasNextModel: true, attemptsLeft: 0 }), { next: "stop" });
    assert.deepEqual(nextStep({ kind: "transient" }, { hasNextModel: false, attemptsLeft: 0 }), { next: "stop" });
  });

  it("says which model answered, the first model it left and why, and sums every answer's tokens", () => {
    const chain = new ModelChain(["chosen", "default", "fallback"], "chosen");
    chain.moveOn("retired");
    chain.moveOn("busy");
    chain.answered({ inputTokens: 100, outputTokens: 40, thoughtsTokens: 8 });
    chain.answered({ inputTokens: 120, outputTokens: 50 });
    assert.equal(chain.retiredChoice, "chosen");
    assert.deepEqual(chain.answeredBy(true), {
      model: "fallback",
      fallback: true,
      fallbackFrom: { model: "chosen", why: "retired", choiceCleared: true },
      usage: { inputTokens: 220, outputTokens: 90, thinkingTokens: 8 },
    });
    assert.deepEqual(chain.answers.map((answer) => answer.model), ["fallback", "fallback"]);
  });

  it("on the first model: no fallback fields, and no retired choice when the user chose none", () => {
    const chain = new ModelChain(["default", "fallback"]);
    chain.answered(undefined);
    assert.deepEqual(chain.answeredBy(false), { model: "default", usage: { inputTokens: 0, outputTokens: 0, thinkingTokens: 0 } });
    const busyDefault = new ModelChain(["default", "fallback"]);
    busyDefault.moveOn("retired");
    assert.equal(busyDefault.retiredChoice, undefined, "the operator's model is not the user's choice to clear");
  });

  it("reads OpenRouter's reported cost from Genkit's custom usage, and ignores what is not a count", () => {
    assert.deepEqual(tokenUsageOf({ inputTokens: 10, outputTokens: 5, custom: { cost: 0.0125 } }), {
      usage: { inputTokens: 10, outputTokens: 5, thinkingTokens: 0 },
      reportedCostUsd: 0.0125,
    });
    assert.deepEqual(tokenUsageOf({ inputTokens: Number.NaN, outputTokens: -3, custom: { cost: "free" as unknown as number } }), {
      usage: { inputTokens: 0, outputTokens: 0, thinkingTokens: 0 },
    });
  });
});
