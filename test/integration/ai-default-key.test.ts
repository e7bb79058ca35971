import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { CallableRequest } from "firebase-functions/v2/https";
import { loadStackConfig } from "../../dev/stack-config";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { generateRequestsFor, questionsRequest } from "./ai-support";

/**
 * The project-key fallback. ALLOW_DEFAULT_KEY is fixed for a whole emulator run (it is off there, as
 * by default), so these tests run the real generateQuestions handler in this process with the fallback
 * switched on: the same code from auth check to Firestore (emulator), KMS (local) and Gemini (stand-in);
 * only the HTTP hop of the callable protocol is skipped.
 */

const overridden = ["ALLOW_DEFAULT_KEY", "GEMINI_API_KEY", "DEFAULT_KEY_DAILY_CAP", "KMS_KEY_NAME"] as const;

interface QuestionsResult {
  questions: unknown[];
  keySource: string;
}

describe("generateQuestions with the project's default key (handler run in-process)", function () {
  this.timeout(60_000);
  const projectKey = fakeGeminiKey();
  const saved: Partial<Record<(typeof overridden)[number], string>> = {};

  before(() => {
    for (const name of overridden) saved[name] = process.env[name];
    Object.assign(process.env, {
      ALLOW_DEFAULT_KEY: "true",
      GEMINI_API_KEY: projectKey,
      DEFAULT_KEY_DAILY_CAP: "2",
      KMS_KEY_NAME: loadStackConfig().kmsKeyName,
    });
  });
  after(() => {
    for (const name of overridden) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterEach(() => geminiStandIn().reset());

  const newUser = () => ({ uid: `default-key-${randomUUID()}`, tag: `team-${randomUUID().slice(0, 8)}` });
  const callAs = (uid: string, data: unknown) =>
    generateQuestions.run({ data, auth: { uid, token: {} }, acceptsStreaming: false, rawRequest: {} } as unknown as CallableRequest<unknown>) as Promise<QuestionsResult>;

  it("serves a user without a key on the project's key, up to the daily cap, then QUOTA_EXCEEDED until tomorrow", async () => {
    const user = newUser();
    for (let call = 0; call < 2; call++) {
      const result = await callAs(user.uid, questionsRequest(user));
      assert.equal(result.keySource, "default");
    }
    const requests = generateRequestsFor(user);
    assert.equal(requests.length, 2);
    assert.ok(requests.every((request) => request.apiKey === projectKey));

    const error = await callAs(user.uid, questionsRequest(user)).then(
      () => assert.fail("expected the cap to apply"),
      (e: { code?: string; details?: { reason?: string; retryAfterSeconds?: number }; message?: string }) => e,
    );
    assert.equal(error.code, "resource-exhausted");
    assert.equal(error.details?.reason, "QUOTA_EXCEEDED");
    assert.ok((error.details?.retryAfterSeconds ?? 0) > 0 && (error.details?.retryAfterSeconds ?? 0) <= 86_400);
    assert.ok(!error.message?.includes(projectKey));
    assert.equal(generateRequestsFor(user).length, 2, "the capped call never reached Gemini");
  });

  it("counts the cap per user", async () => {
    const [first, second] = [newUser(), newUser()];
    await callAs(first.uid, questionsRequest(first));
    await callAs(first.uid, questionsRequest(first));
    const result = await callAs(second.uid, questionsRequest(second));
    assert.equal(result.keySource, "default");
  });
});
