import { httpsCallable } from "firebase/functions";
import { loadFunctions } from "./firebase";

import type {
  ApiKeyModels,
  ApiKeyStatus,
  ApiKeyStatuses,
  KeyActivityEvent,
  GenerateFeedbackRequest,
  GenerateFeedbackResult,
  GenerateQuestionsRequest,
  GenerateQuestionsResult,
  HistoryRetention,
  HistoryRetentionDays,
  Progress,
  Provider,
  RemoveApiKeyResult,
  SetModelResult,
} from "../../../functions/src/contract";

/**
 * The backend's callables, typed by the backend's own contract (a type-only import: no server code
 * reaches the bundle). This is the only file that names them.
 */

export type {
  AnsweredBy,
  ApiKeyModels,
  ApiKeyStatus,
  ModelOption,
  ApiKeyStatuses,
  GenerateFeedbackRequest,
  GenerateFeedbackResult,
  GenerateQuestionsRequest,
  GenerateQuestionsResult,
  HistoryRetention,
  HistoryRetentionDays,
  InterviewType,
  KeyActivityEvent,
  KeySource,
  KeyState,
  PracticeAttempt,
  PracticeDocument,
  PracticeQuestion,
  Progress,
  Provider,
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
 * Stores (replacing any previous) and, first, verifies the signed-in user's key for `provider`; with
 * `expiresInDays` (1–365) the key is treated as removed that many days later.
 */
export async function setApiKey(provider: Provider, apiKey: string, { expiresInDays }: { expiresInDays?: number } = {}): Promise<ApiKeyStatus> {
  const request = { apiKey, provider, verify: true, ...(expiresInDays === undefined ? {} : { expiresInDays }) };
  return (await call<typeof request, { status: ApiKeyStatus }>("setApiKey", request, "limitedUse")).status;
}

/** Asks the provider about the stored key now; the provider refusing it is a status (`invalid`), not an error. */
export async function verifyApiKey(provider: Provider): Promise<ApiKeyStatus> {
  return (await call<{ provider: Provider }, { status: ApiKeyStatus }>("verifyApiKey", { provider }, "cached")).status;
}

/** The signed-in user's own recent events of one provider's key, newest first. */
export async function apiKeyActivity(provider: Provider, limit = 20): Promise<KeyActivityEvent[]> {
  const request = { provider, limit };
  return (await call<typeof request, { events: KeyActivityEvent[] }>("apiKeyActivity", request, "cached")).events;
}

/** Deletes the signed-in user's key for `provider`; `false` when there was none. */
export async function removeApiKey(provider: Provider): Promise<boolean> {
  return (await call<{ provider: Provider }, RemoveApiKeyResult>("removeApiKey", { provider }, "cached")).removed;
}

/** Deletes every key of the signed-in user at once; resolves with the providers whose key was removed. */
export async function removeAllApiKeys(): Promise<Provider[]> {
  return (await call<{ provider: "all" }, RemoveApiKeyResult>("removeApiKey", { provider: "all" }, "cached")).removedProviders ?? [];
}

/** Sets (a number) or clears (null) the signed-in user's daily limit on AI calls with their key for `provider`. */
export async function setDailyLimit(provider: Provider, dailyLimit: number | null): Promise<ApiKeyStatus> {
  const request = { provider, dailyLimit };
  return (await call<typeof request, { status: ApiKeyStatus }>("setDailyLimit", request, "cached")).status;
}

/** The models the signed-in user's key for `provider` can use here (recommended first), their choice and the default. */
export async function apiKeyModels(provider: Provider): Promise<ApiKeyModels> {
  return call<{ provider: Provider }, ApiKeyModels>("apiKeyModels", { provider }, "cached");
}

/** Chooses the model the key for `provider` runs on (checked with the provider first), or null for the default. */
export async function setModel(provider: Provider, model: string | null): Promise<ApiKeyStatus> {
  const request = { provider, model };
  return (await call<typeof request, SetModelResult>("setModel", request, "limitedUse")).status;
}

/** Every provider's key status (the registry's order) and the provider the user prefers, if any. */
export async function apiKeyStatuses(): Promise<ApiKeyStatuses> {
  return call<Record<string, never>, ApiKeyStatuses>("apiKeyStatus", {}, "cached");
}

/** Chooses the provider whose key pays for AI calls that name none; null: the first with a usable key. */
export async function setPreferredProvider(provider: Provider | null): Promise<Provider | null> {
  const request = { provider };
  return (await call<typeof request, { preferredProvider: Provider | null }>("setPreferredProvider", request, "cached")).preferredProvider;
}

/** How long the signed-in user's practice history is kept (null: without limit); with `retentionDays`, sets it first. */
export async function historyRetention(retentionDays?: HistoryRetentionDays): Promise<HistoryRetentionDays> {
  const request = retentionDays === undefined ? {} : { retentionDays };
  return (await call<typeof request, HistoryRetention>("setHistoryRetention", request, "cached")).retentionDays;
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
