import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { RecordedRequest } from "../../dev/gemini-stand-in/server";
import { loadStackConfig } from "../../dev/stack-config";
import { signUpNewUser, type Caller } from "./firebase-client";
import { geminiStandIn } from "./hooks";
import { fakeGeminiKey, keyShaped } from "./keys";

/**
 * What the AI callables' tests share: users whose stand-in requests can be traced back to them, users
 * with a stored key, and in-process runs of a handler for what one emulator run cannot show.
 */

const config = loadStackConfig();

export interface AiCaller extends Caller {
  uid: string;
  /** A tag unique to this user, put into job titles so the stand-in's requests can be traced to the user. */
  tag: string;
}

export async function signUpAiCaller(): Promise<AiCaller> {
  return { ...(await signUpNewUser()), tag: `team-${randomUUID().slice(0, 8)}` };
}

/**
 * A signed-in user with a stored key (stored unverified, so the stand-in sees no check call); `marker`
 * picks the stand-in's behaviour, `shape` the kind of key (today's auth key unless a test asks otherwise).
 */
export async function userWithKey(marker = "", shape: Parameters<typeof fakeGeminiKey>[1] = "auth"): Promise<AiCaller & { apiKey: string }> {
  const user = await signUpAiCaller();
  const apiKey = fakeGeminiKey(marker, shape);
  await user.call("setApiKey", { apiKey, verify: false });
  return { ...user, apiKey };
}

export const questionsRequest = (user: Pick<AiCaller, "tag">, extra: Record<string, unknown> = {}) => ({
  jobTitle: `Platform engineer (${user.tag})`,
  interviewType: "technical",
  count: 3,
  ...extra,
});

/** Generate calls the stand-in received that were made for this user (their tag is in the prompt). */
export function generateRequestsFor(user: Pick<AiCaller, "tag">): RecordedRequest[] {
  return geminiStandIn().requests.filter((request) => request.model && JSON.stringify(request.body ?? "").includes(user.tag));
}


/** Nothing the client received — the message, the details — holds a key. */
export function assertNoKeyIn(value: unknown): void {
  const seen = JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}));
  assert.ok(!keyShaped.test(seen), `a key-shaped string reached the client: ${seen.slice(0, 200)}`);
}

/**
 * Runs a callable's real handler in this process (from auth check to Firestore, KMS and the stand-in),
 * skipping only the callable protocol's HTTP hop. For what one emulator run cannot show: another value
 * of a deploy-time param, or many requests sharing one instance as Cloud Run serves them.
 */
export function callInProcess<Result>(handler: { run(request: never): unknown }, uid: string, data: unknown): Promise<Result> {
  const request = { data, auth: { uid, token: {} }, acceptsStreaming: false, rawRequest: {} };
  return handler.run(request as never) as Promise<Result>;
}

/**
 * Sets the functions' params for in-process handler runs (unset params read as 0 or "") for the
 * enclosing describe block, and restores the environment afterwards.
 */
export function useParams(values: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  const all: Record<string, string> = {
    GEMINI_MODEL: "gemini-flash-latest",
    ALLOW_DEFAULT_KEY: "false",
    DEFAULT_KEY_DAILY_CAP: "20",
    AI_RATE_LIMIT_PER_MINUTE: "100",
    KEY_ROTATION_REMINDER_DAYS: "90",
    KMS_KEY_NAME: config.kmsKeyName,
    ...values,
  };
  before(() => {
    for (const [name, value] of Object.entries(all)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  after(() => {
    for (const name of Object.keys(all)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
}
