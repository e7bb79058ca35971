import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { CustomProvider, initializeAppCheck } from "firebase/app-check";
import { connectAuthEmulator, createUserWithEmailAndPassword, deleteUser, getAuth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore/lite";
import { connectFunctionsEmulator, FunctionsError, getFunctions, httpsCallable } from "firebase/functions";
import { loadStackConfig } from "../../dev/stack-config";
import type { ApiKeyStatus, Provider, Progress } from "../../functions/src/contract";
import { emulatorAppCheckProvider } from "../../web/src/lib/emulator-app-check";

/**
 * Callers as the web app is one: the real Firebase JS SDK, signed up on the Auth emulator, calling the
 * functions emulator through httpsCallable with an App Check token from the web app's emulator provider.
 * Every test makes its own users, so no test depends on another.
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

/**
 * Which App Check tokens a client sends: the web app's emulator tokens (the default), tokens from
 * `getToken` (to show what the emulator accepts), or none at all.
 */
export type ClientAppCheck = "emulator" | "none" | { getToken: () => string };

export interface ClientOptions {
  appCheck?: ClientAppCheck;
}

function clientApp({ appCheck = "emulator" }: ClientOptions = {}): FirebaseApp {
  const app = initializeApp({ projectId: config.projectId, apiKey: "fake-api-key" }, `test-${randomUUID()}`);
  apps.push(app);
  connectAuthEmulator(getAuth(app), `http://${config.auth.host}:${config.auth.port}`, { disableWarnings: true });
  if (appCheck !== "none") {
    const provider =
      appCheck === "emulator"
        ? emulatorAppCheckProvider(app.options)
        : new CustomProvider({ getToken: () => Promise.resolve({ token: appCheck.getToken(), expireTimeMillis: Date.now() + 60_000 }) });
    // No background refresh: every call asks for a limited-use token of its own (see callerOf).
    initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: false });
  }
  return app;
}

/**
 * Every call carries a limited-use App Check token of its own, as the web app's calls to the
 * replay-protected callables do (for the others a fresh token is as good as a cached one). A stream
 * takes the flag in its own options: the SDK ignores httpsCallable's options for `.stream()`.
 */
function callerOf(app: FirebaseApp, uid?: string): Caller {
  const functions = getFunctions(app, "us-central1");
  connectFunctionsEmulator(functions, config.functions.host, config.functions.port);
  return {
    uid,
    async call<Result>(name: string, data?: unknown) {
      const callable = httpsCallable<unknown, Result>(functions, name, { timeout: callTimeoutMs, limitedUseAppCheckTokens: true });
      return (await callable(data)).data;
    },
    async stream<Result>(name: string, data?: unknown) {
      const { stream, data: result } = await httpsCallable<unknown, Result, Progress>(functions, name, { timeout: callTimeoutMs }).stream(data, {
        limitedUseAppCheckTokens: true,
      });
      const chunks: Progress[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return { chunks, result: await result };
    },
  };
}

/**
 * A brand-new signed-in user, who can also delete their own account (as Firebase Auth lets them) and hand
 * out their ID token (for requests made without the SDK); with App Check tokens from the emulator
 * provider unless `options` say otherwise.
 */
export async function signUpNewUser(
  options?: ClientOptions,
): Promise<Caller & { uid: string; deleteAccount(): Promise<void>; idToken(): Promise<string>; firestore(): Firestore }> {
  const app = clientApp(options);
  const credential = await createUserWithEmailAndPassword(getAuth(app), `user-${randomUUID()}@example.test`, `pw-${randomUUID()}`);
  return {
    ...(callerOf(app, credential.user.uid) as Caller & { uid: string }),
    deleteAccount: () => deleteUser(credential.user),
    idToken: () => credential.user.getIdToken(),
    firestore: () => clientFirestore(app),
  };
}

/** The web app's Firestore (Lite, as History uses) for this client, on the emulator: reads under firestore.rules. */
function clientFirestore(app: FirebaseApp): Firestore {
  const db = getFirestore(app);
  if (!connectedFirestores.has(db)) {
    connectFirestoreEmulator(db, config.firestore.host, config.firestore.port);
    connectedFirestores.add(db);
  }
  return db;
}
const connectedFirestores = new WeakSet<Firestore>();

/** A caller who never signed in. */
export function signedOutCaller(options?: ClientOptions): Caller {
  return callerOf(clientApp(options));
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
  return assertCallError(error, expected);
}

/** The same, for the error of a call that has already failed. */
export function assertCallError(error: unknown, expected: { code: string; reason?: string }): FunctionsError {
  assert.ok(error instanceof FunctionsError, `expected a FunctionsError, got ${String(error)}`);
  assert.equal(error.code, `functions/${expected.code}`);
  if (expected.reason !== undefined) assert.equal((error.details as { reason?: string } | undefined)?.reason, expected.reason);
  return error;
}

/** What apiKeyStatus tells this caller about their key for `provider` (Gemini unless named). */
export async function keyStatusOf(caller: Caller, provider: Provider = "googleai"): Promise<ApiKeyStatus> {
  return (await caller.call<{ status: ApiKeyStatus }>("apiKeyStatus", { provider })).status;
}

export async function disposeClients(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
}
