import assert from "node:assert/strict";
import { sharedKeyGuard } from "../../functions/src/limits/shared-key-budget";
import { AppError } from "../../functions/src/errors";
import { adminDb } from "../support/admin";
import { resetSharedKeyBudget } from "../support/ai";
import { captureLogs } from "../support/function-logs";

/** The project-wide guard of the shared key, on the Firestore emulator, with a clock of its own. */
describe("the shared key's project budget and breaker (Firestore emulator)", function () {
  this.timeout(60_000);
  beforeEach(resetSharedKeyBudget);
  after(resetSharedKeyBudget);

  const noon = Date.UTC(2031, 2, 3, 12, 0, 0);
  const outcome = (work: Promise<void>) =>
    work.then(
      () => "allowed",
      (error: unknown) => (error instanceof AppError ? `${error.reason}` : `unexpected ${String(error)}`),
    );

  it("allows exactly the budget, then refuses with QUOTA_EXCEEDED until midnight UTC, for everyone", async () => {
    const guard = sharedKeyGuard(adminDb(), () => noon);
    for (let call = 0; call < 3; call++) await guard.consumeBudget(3);
    const error = await guard.consumeBudget(3).then(() => assert.fail("expected the budget to be spent"), (e: unknown) => e);
    assert.ok(error instanceof AppError);
    assert.equal(error.reason, "QUOTA_EXCEEDED");
    assert.equal(error.extra.retryAfterSeconds, 12 * 3600);
    assert.match(error.message, /today's limit for all users/);
    assert.equal(await outcome(guard.ensureClosed()), "QUOTA_EXCEEDED", "the breaker is open: later calls are refused before counting");
    assert.equal(await outcome(sharedKeyGuard(adminDb(), () => Date.UTC(2031, 2, 4, 0, 0, 1)).ensureClosed()), "allowed", "a new day closes it");
  });

  it("logs the line the operator's alert matches (alert: shared_key_budget_spent) when the budget is spent", async () => {
    const guard = sharedKeyGuard(adminDb(), () => noon);
    const within = await captureLogs(() => guard.consumeBudget(1));
    assert.ok(within.outcome.ok);
    assert.ok(!within.entries.some((entry) => entry.alert === "shared_key_budget_spent"), "not while within the budget");
    const spent = await captureLogs(() => guard.consumeBudget(1));
    assert.ok(!spent.outcome.ok);
    const alerts = spent.entries.filter((entry) => entry.alert === "shared_key_budget_spent");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].severity, "WARNING");
    assert.equal(alerts[0].dailyBudget, 1);
  });

  it("never lets concurrent calls exceed the budget, though they race across the shards", async () => {
    const guard = sharedKeyGuard(adminDb(), () => noon);
    const outcomes = await Promise.all(Array.from({ length: 25 }, () => outcome(guard.consumeBudget(10))));
    const allowed = outcomes.filter((o) => o === "allowed").length;
    // At most the budget; racing calls may all see each other's counts and be refused (never over-allowed).
    assert.ok(allowed <= 10, `allowed ${allowed} of a budget of 10`);
    assert.deepEqual(new Set(outcomes.filter((o) => o !== "allowed")), new Set(["QUOTA_EXCEEDED"]));
    assert.equal(await guard.countToday(), 25, "every call was counted, in one of the shards");
    const shards = await adminDb().collection(`sharedKeyUsage/2031-03-03/shards`).get();
    assert.ok(shards.size > 1 && shards.size <= 10, "the count is spread over shards");
  });

  it("opens after three 429s within a minute, and refuses without counting while open", async () => {
    let now = noon;
    const guard = sharedKeyGuard(adminDb(), () => now);
    await guard.recordQuotaFailure(59);
    await guard.recordQuotaFailure(59);
    assert.equal(await outcome(guard.ensureClosed()), "allowed");
    await guard.recordQuotaFailure(59);
    assert.equal(await outcome(guard.ensureClosed()), "QUOTA_EXCEEDED");
    now += 61_000;
    assert.equal(await outcome(guard.ensureClosed()), "allowed", "once its minute has passed it lets calls try again");
  });
});
