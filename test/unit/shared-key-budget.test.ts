import assert from "node:assert/strict";
import { afterBudgetSpent, afterQuotaFailure, breakerDecision, secondsUntilUtcMidnight, utcDay } from "../../functions/src/limits/shared-key-budget";

describe("the shared key's circuit breaker and budget day (pure)", () => {
  const noon = Date.UTC(2026, 10, 20, 12, 0, 0);

  it("names the UTC day and the seconds until it ends", () => {
    assert.equal(utcDay(noon), "2026-11-20");
    assert.equal(utcDay(Date.UTC(2026, 10, 20, 23, 59, 59)), "2026-11-20");
    assert.equal(secondsUntilUtcMidnight(noon), 12 * 3600);
    assert.equal(secondsUntilUtcMidnight(Date.UTC(2026, 10, 21) - 1), 1);
  });

  it("is closed without a state, and after openUntil has passed", () => {
    assert.deepEqual(breakerDecision(undefined, noon), { open: false });
    assert.deepEqual(breakerDecision({ openUntil: noon, cause: "quota" }, noon), { open: false });
  });

  it("once the budget is spent, stays open until midnight UTC", () => {
    const state = afterBudgetSpent(undefined, noon);
    assert.deepEqual(breakerDecision(state, noon), { open: true, cause: "budget", retryAfterSeconds: 12 * 3600 });
    assert.deepEqual(breakerDecision(state, Date.UTC(2026, 10, 21)), { open: false });
  });

  it("opens on the third 429 within a minute, for Google's retry delay bounded to [1 min, 1 h]", () => {
    let state = afterQuotaFailure(undefined, noon + 1_000, 59);
    state = afterQuotaFailure(state, noon + 2_000, 59);
    assert.equal(breakerDecision(state, noon + 2_000).open, false, "two 429s are not yet sustained");
    state = afterQuotaFailure(state, noon + 3_000, 59);
    assert.deepEqual(breakerDecision(state, noon + 3_000), { open: true, cause: "quota", retryAfterSeconds: 60 });

    const long = [1, 2, 3].reduce<ReturnType<typeof afterQuotaFailure> | undefined>((s, n) => afterQuotaFailure(s, noon + n, 86_400), undefined);
    assert.deepEqual(breakerDecision(long, noon + 3), { open: true, cause: "quota", retryAfterSeconds: 3600 });
  });

  it("counts 429s per minute: three spread over minutes do not open it", () => {
    let state = afterQuotaFailure(undefined, noon, 5);
    state = afterQuotaFailure(state, noon + 60_000, 5);
    state = afterQuotaFailure(state, noon + 120_000, 5);
    assert.equal(breakerDecision(state, noon + 120_000).open, false);
  });

  it("does not shorten a breaker that is already open", () => {
    const open = afterBudgetSpent(undefined, noon);
    let state = afterQuotaFailure(open, noon + 1, 5);
    state = afterQuotaFailure(state, noon + 2, 5);
    state = afterQuotaFailure(state, noon + 3, 5);
    assert.deepEqual(breakerDecision(state, noon + 3), { open: true, cause: "budget", retryAfterSeconds: 12 * 3600 });
  });
});
