import assert from "node:assert/strict";
import { backoffDelayMs, withTransientRetry } from "../../functions/src/ai/transient-retry";

class Transient extends Error {}
class Permanent extends Error {}

describe("withTransientRetry", () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100 };
  const isTransient = (error: unknown) => error instanceof Transient;

  it("retries transient failures with growing delays, then succeeds", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withTransientRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Transient();
        return "answer";
      },
      isTransient,
      policy,
      async (ms) => void delays.push(ms),
      () => 0,
    );
    assert.equal(result, "answer");
    assert.equal(calls, 3);
    assert.deepEqual(delays, [100, 200]);
  });

  it("gives up after maxAttempts and throws the last failure", async () => {
    let calls = 0;
    await assert.rejects(
      withTransientRetry(async () => { calls++; throw new Transient(); }, isTransient, policy, async () => undefined),
      Transient,
    );
    assert.equal(calls, 3);
  });

  it("never retries a failure that is not transient (a rejected key, exhausted quota)", async () => {
    let calls = 0;
    await assert.rejects(
      withTransientRetry(async () => { calls++; throw new Permanent(); }, isTransient, policy, async () => undefined),
      Permanent,
    );
    assert.equal(calls, 1);
  });

  it("adds at most 50% jitter to the exponential delay", () => {
    assert.equal(backoffDelayMs(policy, 1, 0), 100);
    assert.equal(backoffDelayMs(policy, 2, 0), 200);
    assert.equal(backoffDelayMs(policy, 3, 0), 400);
    assert.equal(backoffDelayMs(policy, 3, 1), 600);
  });
});
