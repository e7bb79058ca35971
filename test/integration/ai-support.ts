import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from "firebase/functions";
import { loadStackConfig } from "../../dev/stack-config";
import type { RecordedRequest } from "../../dev/gemini-stand-in/server";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";

/**
 * Callers of the AI callables as the web app is one (the Firebase JS SDK on the emulators), able to
 * stream, plus what a test needs to tie the stand-in's requests to the user who caused them.
 */

const config = loadStackConfig();
const apps: FirebaseApp[] = [];

export interface Progress {
  step: string;
  message: string;
}

export interface AiCaller {
  uid: string;
  /** A tag unique to this user, put into job titles so the stand-in's requests can be traced to the user. */
  tag: string;
  call<Result = unknown>(name: string, data?: unknown): Promise<Result>;
  stream<Result = unknown>(name: string, data?: unknown): Promise<{ chunks: Progress[]; result: Result }>;
}

function functionsOf(app: FirebaseApp): Functions {
  const functions = getFunctions(app, "us-central1");
  connectFunctionsEmulator(functions, config.functions.host, config.functions.port);
  return functions;
}

export async function signUpAiCaller(): Promise<AiCaller> {
  const app = initializeApp({ projectId: config.projectId, apiKey: "fake-api-key" }, `ai-test-${randomUUID()}`);
  apps.push(app);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${config.auth.host}:${config.auth.port}`, { disableWarnings: true });
  const credential = await createUserWithEmailAndPassword(auth, `ai-${randomUUID()}@example.test`, `pw-${randomUUID()}`);
  const functions = functionsOf(app);
  return {
    uid: credential.user.uid,
    tag: `team-${randomUUID().slice(0, 8)}`,
    async call<Result>(name: string, data?: unknown) {
      return (await httpsCallable<unknown, Result>(functions, name, { timeout: 90_000 })(data)).data;
    },
    async stream<Result>(name: string, data?: unknown) {
      const { stream, data: result } = await httpsCallable<unknown, Result, Progress>(functions, name, { timeout: 90_000 }).stream(data);
      const chunks: Progress[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return { chunks, result: await result };
    },
  };
}

/** A signed-in user with a stored key (stored unverified, so the stand-in sees no check call); `marker` picks the stand-in's behaviour. */
export async function userWithKey(marker = ""): Promise<AiCaller & { apiKey: string }> {
  const user = await signUpAiCaller();
  const apiKey = fakeGeminiKey(marker);
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

export interface KeyStatus {
  hasKey: boolean;
  state?: string;
  lastUsedAt?: string;
  usageCount?: number;
}

export async function keyStatusOf(user: AiCaller): Promise<KeyStatus> {
  return (await user.call<{ status: KeyStatus }>("apiKeyStatus", {})).status;
}

export const keyShaped = /AIza[0-9A-Za-z_-]{35}/;

/** Nothing the client received — the message, the details — holds a key. */
export function assertNoKeyIn(value: unknown): void {
  const seen = JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}));
  assert.ok(!keyShaped.test(seen), `a key-shaped string reached the client: ${seen.slice(0, 200)}`);
}

export async function disposeAiClients(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
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
    GEMINI_MODEL: "gemini-2.5-flash",
    ALLOW_DEFAULT_KEY: "false",
    DEFAULT_KEY_DAILY_CAP: "20",
    AI_RATE_LIMIT_PER_MINUTE: "100",
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
