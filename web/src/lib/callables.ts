import { httpsCallable } from "firebase/functions";
import { loadFunctions } from "./firebase";

import type {
  ApiKeyStatus,
  KeyActivityEvent,
  GenerateFeedbackRequest,
  GenerateFeedbackResult,
  GenerateQuestionsRequest,
  GenerateQuestionsResult,
  Progress,
} from "../../../functions/src/contract";

/**
 * The backend's callables, typed by the backend's own contract (a type-only import: no server code
 * reaches the bundle). This is the only file that names them.
 */

export type {
  ApiKeyStatus,
  GenerateFeedbackRequest,
  GenerateFeedbackResult,
  GenerateQuestionsRequest,
  GenerateQuestionsResult,
  InterviewType,
  KeyActivityEvent,
  KeySource,
  KeyState,
  Progress,
  Seniority,
} from "../../../functions/src/contract";

/**
 * How a call proves it comes from this app (App Check). `limitedUse`: a token of its own that the server
 * consumes, so it cannot be replayed; the callables that cost money or test keys demand it. `cached`:
 * the App Check token the SDK keeps and refreshes.
 */
type AppCheckTokenUse = "limitedUse" | "cached";

async function call<Request, Response>(name: string, data: Request, tokenUse: AppCheckTokenUse): Promise<Response> {
  const callable = httpsCallable<Request, Response>(await loadFunctions(), name, { limitedUseAppCheckTokens: tokenUse === "limitedUse" });
  return (await callable(data)).data;
}

/**
 * Calls a streaming callable, handing each progress chunk to `onProgress`, and resolves with the
 * final result. Errors reject, including those that follow an abort of `signal`. The AI callables are
 * replay-protected, so every stream carries a limited-use App Check token; the SDK reads that flag from
 * the stream's own options, not from httpsCallable's.
 */
async function callStreaming<Request, Response>(
  name: string,
  data: Request,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<Response> {
  const callable = httpsCallable<Request, Response, Progress>(await loadFunctions(), name);
  const { stream, data: result } = await callable.stream(data, { signal, limitedUseAppCheckTokens: true });
  // The SDK rejects `result` as well as the stream on failure; observing it here keeps that
  // second rejection from surfacing as an unhandled one.
  const outcome = result.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  for await (const progress of stream) onProgress(progress);
  // A stream that closes without a result or an error (a dropped connection) leaves `result`
  // pending forever; by the time the stream has ended, a result that came is already settled.
  const ended = await Promise.race([outcome, new Promise<undefined>((resolve) => setTimeout(resolve, 0))]);
  if (!ended) throw new ConnectionLostError();
  if (!ended.ok) throw ended.error;
  return ended.value;
}

/** The server's answer stream ended before it sent a result. */
export class ConnectionLostError extends Error {
  constructor() {
    super("The connection closed before the server answered.");
    this.name = "ConnectionLostError";
  }
}

/**
 * Stores (replacing any previous) and, first, verifies the signed-in user's Gemini key; with
 * `expiresInDays` (1–365) the key is treated as removed that many days later.
 */
export async function setApiKey(apiKey: string, { expiresInDays }: { expiresInDays?: number } = {}): Promise<ApiKeyStatus> {
  const request = { apiKey, verify: true, ...(expiresInDays === undefined ? {} : { expiresInDays }) };
  return (await call<typeof request, { status: ApiKeyStatus }>("setApiKey", request, "limitedUse")).status;
}

/** Asks Google about the stored key now; Google refusing it is a status (`invalid`), not an error. */
export async function verifyApiKey(): Promise<ApiKeyStatus> {
  return (await call<Record<string, never>, { status: ApiKeyStatus }>("verifyApiKey", {}, "cached")).status;
}

/** The signed-in user's own recent key events, newest first. */
export async function apiKeyActivity(limit = 20): Promise<KeyActivityEvent[]> {
  return (await call<{ limit: number }, { events: KeyActivityEvent[] }>("apiKeyActivity", { limit }, "cached")).events;
}

/** Deletes the signed-in user's key; `false` when there was none. */
export async function removeApiKey(): Promise<boolean> {
  return (await call<Record<string, never>, { removed: boolean }>("removeApiKey", {}, "cached")).removed;
}

/** Sets (a number) or clears (null) the signed-in user's daily limit on AI calls with their key. */
export async function setDailyLimit(dailyLimit: number | null): Promise<ApiKeyStatus> {
  return (await call<{ dailyLimit: number | null }, { status: ApiKeyStatus }>("setDailyLimit", { dailyLimit }, "cached")).status;
}

export async function apiKeyStatus(): Promise<ApiKeyStatus> {
  return (await call<{ provider: "googleai" }, { status: ApiKeyStatus }>("apiKeyStatus", { provider: "googleai" }, "cached")).status;
}

export function generateQuestions(
  input: GenerateQuestionsRequest,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<GenerateQuestionsResult> {
  return callStreaming("generateQuestions", input, onProgress, signal);
}

export function generateFeedback(
  input: GenerateFeedbackRequest,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<GenerateFeedbackResult> {
  return callStreaming("generateFeedback", input, onProgress, signal);
}
