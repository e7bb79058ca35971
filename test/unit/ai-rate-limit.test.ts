import assert from "node:assert/strict";
import { decideFixedWindow } from "../../functions/src/limits/rate-limit";

describe("decideFixedWindow (the rate limiter's decision)", () => {
  const minute = 60;
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);

  it("counts calls within one window up to the limit, then refuses until the window ends", () => {
    let state;
    for (let call = 1; call <= 3; call++) {
      const decision = decideFixedWindow(state, start + call * 1000, 3, minute);
      assert.ok(decision.allowed);
      assert.equal(decision.remaining, 3 - call);
      state = decision.next;
    }
    const refused = decideFixedWindow(state, start + 20_000, 3, minute);
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 40 });
  });

  it("starts afresh in the next window", () => {
    const full = { windowStart: start, count: 3 };
    const decision = decideFixedWindow(full, start + 60_000, 3, minute);
    assert.ok(decision.allowed);
    assert.deepEqual(decision.next, { windowStart: start + 60_000, count: 1 });
  });

  it("aligns a one-day window to UTC midnight and says how long until then", () => {
    const noon = Date.UTC(2026, 0, 1, 12, 0, 0);
    const decision = decideFixedWindow({ windowStart: Date.UTC(2026, 0, 1), count: 20 }, noon, 20, 86_400);
    assert.deepEqual(decision, { allowed: false, retryAfterSeconds: 12 * 3600 });
  });

  it("never says to retry in less than one second", () => {
    const decision = decideFixedWindow({ windowStart: start, count: 1 }, start + 59_999, 1, minute);
    assert.deepEqual(decision, { allowed: false, retryAfterSeconds: 1 });
  });

  it("allows nothing with a limit of 0", () => {
    assert.equal(decideFixedWindow(undefined, start, 0, minute).allowed, false);
  });
});
