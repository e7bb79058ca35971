import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { setApiKey } from "../../functions/src/callables/set-api-key";
import { consumeRateLimit, type WindowState } from "../../functions/src/limits/rate-limit";
import { adminDb } from "../support/admin";
import { callInProcess, generateRequestsFor, questionsRequest, useParams } from "../support/ai";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { reasonOf } from "../support/rate-limits";

/**
 * The rate-limit counters change by compare-and-set on what this instance last saw of them (no read
 * when warm): racing calls and other instances' counts must still never let a window exceed its limit.
 * An AI call counts its minute and its own key's day ahead, while its key is read: what it did not use
 * is taken back. Handlers and the limiter run in this process, against the Firestore emulator.
 */
describe("rate-limit counters (compare-and-set, counted ahead)", function () {
  this.timeout(60_000);
  useParams({ AI_RATE_LIMIT_PER_MINUTE: "2" });
  afterEach(() => geminiStandIn().reset());

  const bucketDoc = (uid: string, bucket: string) => adminDb().doc(`rateLimits/${uid}/buckets/${bucket}`);
  const countIn = async (uid: string, bucket: string) => ((await bucketDoc(uid, bucket).get()).data() as WindowState | undefined)?.count ?? 0;
  // The limiter throws an AppError (its `reason`); a handler, the HttpsError it maps to (`details.reason`).
  const outcomeOf = (call: Promise<unknown>) =>
    call.then(
      () => "ok",
      (error: unknown) => (error as { reason?: string }).reason ?? reasonOf(error) ?? String(error),
    );
  // A window of a day, so that no test straddles a window's end unless it runs at midnight UTC.
  const daily = (uid: string, limit: number) => ({ uid, bucket: "counter-test", limit, windowSeconds: 86_400 });

  it("lets exactly `limit` of many racing calls through, and the window holds exactly `limit`", async () => {
    const uid = `counters-${randomUUID()}`;
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => outcomeOf(consumeRateLimit(daily(uid, 5)))));
    assert.equal(outcomes.filter((outcome) => outcome === "ok").length, 5);
    assert.ok(outcomes.filter((outcome) => outcome !== "ok").every((outcome) => outcome === "RATE_LIMITED"));
    assert.equal(await countIn(uid, "counter-test"), 5);
  });

  it("counts from what another instance wrote since, never over it", async () => {
    const uid = `counters-${randomUUID()}`;
    await consumeRateLimit(daily(uid, 5)); // this instance now knows the counter at 1
    // Another instance counts three more calls meanwhile.
    await bucketDoc(uid, "counter-test").update({ count: 4 });
    await consumeRateLimit(daily(uid, 5));
    assert.equal(await countIn(uid, "counter-test"), 5);
    assert.equal(await outcomeOf(consumeRateLimit(daily(uid, 5))), "RATE_LIMITED");
    assert.equal(await countIn(uid, "counter-test"), 5, "a refused call is not counted");
  });

  it("an AI call refused by the per-minute limit answers RATE_LIMITED, whatever its key, and keeps no count of the own key's day", async () => {
    const uid = `counters-${randomUUID()}`;
    // The three calls must fall in one minute's window: not within 5 s of its end.
    const msToNextMinute = 60_000 - (Date.now() % 60_000);
    if (msToNextMinute < 5_000) await new Promise((resolve) => setTimeout(resolve, msToNextMinute + 100));
    // No key: each call fails KEY_MISSING, after being counted in the minute.
    for (let call = 0; call < 2; call += 1) {
      assert.equal(await outcomeOf(callInProcess(generateQuestions, uid, questionsRequest({ tag: "x" }))), "KEY_MISSING");
    }
    assert.equal(await outcomeOf(callInProcess(generateQuestions, uid, questionsRequest({ tag: "x" }))), "RATE_LIMITED");
    assert.equal(await countIn(uid, "ai"), 2);
    assert.equal(await countIn(uid, "own-key-daily"), 0, "calls that used no key of the user's are not counted against it");
  });

  it("counts an AI call on the user's key once in its minute and once in its day, and Gemini hears it once", async () => {
    const user = { uid: `counters-${randomUUID()}`, tag: `team-${randomUUID().slice(0, 8)}` };
    await callInProcess(setApiKey, user.uid, { apiKey: fakeGeminiKey(), verify: false });
    await callInProcess(generateQuestions, user.uid, questionsRequest(user));
    assert.deepEqual([await countIn(user.uid, "ai"), await countIn(user.uid, "own-key-daily")], [1, 1]);
    assert.equal(generateRequestsFor(user).length, 1);
    const usage = (await adminDb().doc(`apiKeys/${user.uid}/providers/googleai`).get()).data() as { usageCount: number };
    assert.equal(usage.usageCount, 1);
  });

  it("records every use of concurrent calls on one key, whether its write found the record as read or had to read it again", async () => {
    const user = { uid: `counters-${randomUUID()}`, tag: `team-${randomUUID().slice(0, 8)}` };
    await callInProcess(setApiKey, user.uid, { apiKey: fakeGeminiKey(), verify: false });
    // Two at a time, within the per-minute limit of 2 this block sets.
    await Promise.all([0, 1].map(() => callInProcess(generateQuestions, user.uid, questionsRequest(user))));
    const record = (await adminDb().doc(`apiKeys/${user.uid}/providers/googleai`).get()).data() as { usageCount: number; state: string };
    assert.deepEqual([record.usageCount, record.state], [2, "active"]);
  });
});
