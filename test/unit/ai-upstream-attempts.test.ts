import assert from "node:assert/strict";
import { maxUpstreamAttemptsPerCall, UpstreamAttemptBudget } from "../../functions/src/ai/upstream-attempts";

describe("UpstreamAttemptBudget (requests one AI call may send to Gemini)", () => {
  it("allows three requests per call by default, then none", () => {
    const budget = new UpstreamAttemptBudget();
    assert.equal(maxUpstreamAttemptsPerCall, 3);
    assert.deepEqual([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false]);
    assert.equal(budget.remaining, 0);
    assert.equal(budget.spent, 3);
  });

  it("counts down what is left", () => {
    const budget = new UpstreamAttemptBudget(2);
    assert.equal(budget.remaining, 2);
    budget.take();
    assert.equal(budget.remaining, 1);
  });

  it("shows only its figures in a span's JSON", () => {
    const budget = new UpstreamAttemptBudget();
    budget.take();
    assert.equal(JSON.stringify({ budget }), '{"budget":{"limit":3,"spent":1}}');
  });
});
