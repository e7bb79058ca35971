import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Timestamp } from "firebase-admin/firestore";
import { repoRoot } from "../../dev/stack-config";
import { keyCallLimits } from "../../functions/src/keys/key-call-limits";
import { recheckAttempts } from "../../functions/src/keys/recheck-api-key";
import { adminDb } from "../support/admin";
import { questionsRequest, userWithKey } from "../support/ai";
import { assertCallError, disposeClients, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn, localKms } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { reasonOf } from "../support/rate-limits";

/**
 * Every callable the functions export refuses a caller over its limit. The list of callables is read
 * from the built entry point (functions/lib/index.js, what deploys), so a new callable is in this test
 * the moment it is exported: without a row below, this test fails and says so.
 *
 * Cost stays bounded whatever the limits are: each callable's counter is pre-filled through the Admin
 * SDK to one call short of its limit, then two real calls go through the Functions emulator: the last
 * allowed one, which must not be refused, and the next, which must be RATE_LIMITED.
 */

/** AI_RATE_LIMIT_PER_MINUTE as the emulator's functions read it (functions/.env.demo-interview-ai). */
function emulatorAiRateLimit(): number {
  const env = readFileSync(join(repoRoot, "functions", ".env.demo-interview-ai"), "utf8");
  const value = /^AI_RATE_LIMIT_PER_MINUTE=(\d+)$/m.exec(env)?.[1];
  assert.ok(value, "AI_RATE_LIMIT_PER_MINUTE is set for the emulator");
  return Number(value);
}

interface LimitedCallable {
  bucket: string;
  limit: number;
  windowSeconds: number;
  /** A valid request; any answer but RATE_LIMITED is fine for the last allowed call. */
  input: unknown;
}

const aiLimit = { bucket: "ai", limit: emulatorAiRateLimit(), windowSeconds: 60 };
const limits: Record<string, LimitedCallable> = {
  apiKeyStatus: { ...keyCallLimits.apiKeyStatus, input: {} },
  apiKeyActivity: { ...keyCallLimits.apiKeyActivity, input: {} },
  removeApiKey: { ...keyCallLimits.removeApiKey, input: {} },
  setApiKey: { ...keyCallLimits.setApiKey, input: { apiKey: fakeGeminiKey(), verify: false } },
  setDailyLimit: { ...keyCallLimits.setDailyLimit, input: { dailyLimit: 5 } },
  setPreferredProvider: { ...keyCallLimits.setPreferredProvider, input: { provider: null } },
  setHistoryRetention: { ...keyCallLimits.setHistoryRetention, input: { retentionDays: 90 } },
  apiKeyModels: { ...keyCallLimits.apiKeyModels, input: { provider: "googleai" } },
  setModel: { ...keyCallLimits.setModel, input: { provider: "googleai", model: null } },
  verifyApiKey: { bucket: "verify-api-key", ...recheckAttempts, input: {} },
  generateQuestions: { ...aiLimit, input: { jobTitle: "Engineer", interviewType: "technical", count: 1 } },
  generateFeedback: { ...aiLimit, input: { jobTitle: "Engineer", items: [{ question: "Why?", answer: "Because." }] } },
};

/** The callables functions/lib/index.js exports (firebase-functions marks each with `__endpoint.callableTrigger`). */
function exportedCallables(): string[] {
  const result = spawnSync(
    process.execPath,
    [
      "-e",
      `const exported = require("./lib/index.js");
       console.log(JSON.stringify(Object.keys(exported).filter((name) => exported[name]?.__endpoint?.callableTrigger)));`,
    ],
    { cwd: join(repoRoot, "functions"), encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as string[];
}

/** Writes `count` calls into `uid`'s counter for the window that contains now (rate-limit.ts's document shape). */
async function prefill(uid: string, { bucket, windowSeconds }: Pick<LimitedCallable, "bucket" | "windowSeconds">, count: number): Promise<number> {
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(Date.now() / windowMs) * windowMs;
  await adminDb()
    .doc(`rateLimits/${uid}/buckets/${bucket}`)
    .set({ windowStart, count, expiresAt: Timestamp.fromMillis(windowStart + windowMs) });
  return windowStart;
}

describe("rate limits on every exported callable (Functions emulator)", function () {
  this.timeout(180_000);
  after(disposeClients);

  const callables = exportedCallables();

  it("finds the callables in the built entry point, and every one has a limit here", () => {
    assert.ok(callables.length >= 9, `expected the known callables, found ${callables.join(", ")}`);
    const missing = callables.filter((name) => !(name in limits));
    assert.deepEqual(missing, [], "a new callable needs a rate limit, and a row in this test's `limits`");
  });

  for (const name of Object.keys(limits)) {
    it(`${name}: lets the last call within its limit through, then refuses the next with RATE_LIMITED`, async () => {
      if (!callables.includes(name)) assert.fail(`${name} is no longer exported: remove its row`);
      const limited = limits[name];
      const user = await signUpNewUser();
      // The window can turn between the pre-fill and the calls (a 60 s window on a busy machine): then
      // the count restarted, and the round is repeated in the new window.
      for (let round = 0; round < 3; round++) {
        const windowStart = await prefill(user.uid, limited, limited.limit - 1);
        const last = await user.call(name, limited.input).then(
          () => undefined,
          (error: unknown) => error,
        );
        assert.notEqual(reasonOf(last), "RATE_LIMITED", `${name} refused a call within its limit`);
        const windowMs = limited.windowSeconds * 1000;
        const refusal = await user.call(name, limited.input).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (refusal === undefined && Math.floor(Date.now() / windowMs) * windowMs !== windowStart) continue;
        assert.ok(refusal !== undefined, `${name} let a call over its limit through`);
        assertCallError(refusal, { code: "resource-exhausted", reason: "RATE_LIMITED" });
        return;
      }
      assert.fail(`${name}: the window kept turning`);
    });
  }
});

describe("the AI callables' per-minute limit, before the key (Functions emulator, local KMS)", function () {
  this.timeout(90_000);
  after(disposeClients);

  it("refuses a call over the per-minute limit without decrypting the caller's key: no KMS request", async () => {
    // A key saved but never used: no instance holds its data key, so using it would cost a KMS Decrypt.
    const user = await userWithKey();
    for (let round = 0; round < 3; round++) {
      const windowStart = await prefill(user.uid, aiLimit, aiLimit.limit);
      const kmsCallsBefore = localKms().callCount("*");
      const refusal = await user.call("generateQuestions", questionsRequest(user)).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (refusal === undefined && Math.floor(Date.now() / 60_000) * 60_000 !== windowStart) continue;
      assertCallError(refusal, { code: "resource-exhausted", reason: "RATE_LIMITED" });
      assert.equal(localKms().callCount("*"), kmsCallsBefore, "the refused call made no KMS request");
      assert.equal(geminiStandIn().requests.filter((request) => JSON.stringify(request.body ?? "").includes(user.tag)).length, 0);
      return;
    }
    assert.fail("the window kept turning");
  });
});
