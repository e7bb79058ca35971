import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { RecordedRequest } from "../../dev/gemini-stand-in/server";
import { loadStackConfig } from "../../dev/stack-config";
import { adminAuth, adminDb } from "./admin";
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

/** ID-token claims of a caller who signed up with email and password and verified the address. */
export const verifiedEmailClaims = { email_verified: true, firebase: { sign_in_provider: "password" } };

/**
 * Runs a callable's real handler in this process (from auth check to Firestore, KMS and the stand-in),
 * skipping only the callable protocol's HTTP hop. For what one emulator run cannot show: another value
 * of a deploy-time param, many requests sharing one instance as Cloud Run serves them, or a client that
 * disconnects (the Functions emulator's proxy does not pass a disconnect on to the function). `signal`
 * stands for firebase-functions' `CallableResponse.signal`; `claims` for the caller's ID token.
 */
export async function callInProcess<Result>(
  handler: { run(request: never): unknown },
  uid: string,
  data: unknown,
  { signal, claims = verifiedEmailClaims }: { signal?: AbortSignal; claims?: Record<string, unknown> } = {},
): Promise<Result> {
  // The callables that store or spend a key ask Firebase Auth whether the account still exists: it does.
  await ensureAuthAccount(uid);
  const token = { email: emailOf(uid), auth_time: Math.floor(Date.now() / 1000), ...claims };
  const request = { data, auth: { uid, token }, acceptsStreaming: false, rawRequest: {} };
  const response = { sendChunk: () => Promise.resolve(false), signal: signal ?? new AbortController().signal };
  // firebase-functions types `run` with the request only; at run time it hands both on to the handler, as a request does.
  return (handler as { run(request: never, response: never): unknown }).run(request as never, response as never) as Promise<Result>;
}

/** The address an in-process caller's token carries unless a test gives one: one per uid. */
export const emailOf = (uid: string) => `${uid.toLowerCase()}@example.test`;

const accountsMade = new Set<string>();

/** An account for `uid` on the Auth emulator (made once; the in-process caller's token is for it). */
export async function ensureAuthAccount(uid: string): Promise<void> {
  if (accountsMade.has(uid)) return;
  await adminAuth()
    .createUser({ uid, email: emailOf(uid), emailVerified: true })
    .catch((error: { code?: string }) => {
      if (error.code !== "auth/uid-already-exists") throw error;
    });
  accountsMade.add(uid);
}

/**
 * Forgets the shared key's project-wide state (its breaker and the days' counts). There is one for the
 * whole project, so every test that runs on the shared key starts from none.
 */
export async function resetSharedKeyBudget(): Promise<void> {
  const db = adminDb();
  await db.doc("sharedKeyBreaker/state").delete();
  await db.recursiveDelete(db.collection("sharedKeyUsage"));
}

/** The HMAC key of the shared key's identities in in-process runs (useParams sets it). */
export const sharedKeyIdentityTestSecret = "test-only-shared-key-identity-secret";

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
    DEFAULT_KEY_PROJECT_DAILY_BUDGET: "1000",
    AI_RATE_LIMIT_PER_MINUTE: "100",
    KEY_ROTATION_REMINDER_DAYS: "90",
    PRACTICE_HISTORY_LIMIT: "500",
    KMS_KEY_NAME: config.kmsKeyName,
    SHARED_KEY_IDENTITY_SECRET: sharedKeyIdentityTestSecret,
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
