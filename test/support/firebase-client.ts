import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, deleteUser, getAuth } from "firebase/auth";
import { connectFunctionsEmulator, FunctionsError, getFunctions, httpsCallable } from "firebase/functions";
import { loadStackConfig } from "../../dev/stack-config";
import type { ApiKeyStatus, Progress } from "../../functions/src/contract";

/**
 * Callers as the web app is one: the real Firebase JS SDK, signed up on the Auth emulator, calling the
 * functions emulator through httpsCallable. Every test makes its own users, so no test depends on another.
 */

const config = loadStackConfig();
const apps: FirebaseApp[] = [];

export interface Caller {
  uid?: string;
  call<Result = unknown>(name: string, data?: unknown): Promise<Result>;
  /** Calls with streaming, as the web app does for the AI callables: the progress chunks, then the result. */
  stream<Result = unknown>(name: string, data?: unknown): Promise<{ chunks: Progress[]; result: Result }>;
}

const callTimeoutMs = 90_000;

function clientApp(): FirebaseApp {
  const app = initializeApp({ projectId: config.projectId, apiKey: "fake-api-key" }, `test-${randomUUID()}`);
  apps.push(app);
  connectAuthEmulator(getAuth(app), `http://${config.auth.host}:${config.auth.port}`, { disableWarnings: true });
  return app;
}

function callerOf(app: FirebaseApp, uid?: string): Caller {
  const functions = getFunctions(app, "us-central1");
  connectFunctionsEmulator(functions, config.functions.host, config.functions.port);
  return {
    uid,
    async call<Result>(name: string, data?: unknown) {
      return (await httpsCallable<unknown, Result>(functions, name, { timeout: callTimeoutMs })(data)).data;
    },
    async stream<Result>(name: string, data?: unknown) {
      const { stream, data: result } = await httpsCallable<unknown, Result, Progress>(functions, name, { timeout: callTimeoutMs }).stream(data);
      const chunks: Progress[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return { chunks, result: await result };
    },
  };
}

/** A brand-new signed-in user, who can also delete their own account (as Firebase Auth lets them). */
export async function signUpNewUser(): Promise<Caller & { uid: string; deleteAccount(): Promise<void> }> {
  const app = clientApp();
  const credential = await createUserWithEmailAndPassword(getAuth(app), `user-${randomUUID()}@example.test`, `pw-${randomUUID()}`);
  return { ...(callerOf(app, credential.user.uid) as Caller & { uid: string }), deleteAccount: () => deleteUser(credential.user) };
}

/** A caller who never signed in. */
export function signedOutCaller(): Caller {
  return callerOf(clientApp());
}

/** Asserts a call failed as the client sees it: `code` (without the "functions/" prefix) and `details.reason`. */
export async function assertCallFails(
  call: Promise<unknown>,
  expected: { code: string; reason?: string },
): Promise<FunctionsError> {
  const error = await call.then(
    () => assert.fail(`expected the call to fail with ${expected.code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FunctionsError, `expected a FunctionsError, got ${String(error)}`);
  assert.equal(error.code, `functions/${expected.code}`);
  if (expected.reason !== undefined) assert.equal((error.details as { reason?: string } | undefined)?.reason, expected.reason);
  return error;
}

/** What apiKeyStatus tells this caller about their key. */
export async function keyStatusOf(caller: Caller): Promise<ApiKeyStatus> {
  return (await caller.call<{ status: ApiKeyStatus }>("apiKeyStatus", {})).status;
}

export async function disposeClients(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
}
