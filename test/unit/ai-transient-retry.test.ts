import assert from "node:assert/strict";
import { backoffDelayMs } from "../../functions/src/ai/transient-retry";

describe("backoff between upstream attempts", () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100 };

  it("adds at most 50% jitter to the exponential delay", () => {
    assert.equal(backoffDelayMs(policy, 1, 0), 100);
    assert.equal(backoffDelayMs(policy, 2, 0), 200);
    assert.equal(backoffDelayMs(policy, 3, 0), 400);
    assert.equal(backoffDelayMs(policy, 3, 1), 600);
  });
});
