import { logger } from "firebase-functions";
import type { KeyEvent } from "./contract";
import { providerInfo, type Provider } from "./providers";

/**
 * Every log line the functions write, by name. They carry ids, outcomes and error *types* only:
 * never a key, a ciphertext or an upstream message (Google's can quote the key). Logging depends on nothing
 * of the domain (plain values and the shared wire types only), so every module may log without a circle.
 */

export function keyEvent(uid: string, provider: Provider, event: KeyEvent): void {
  logger.info("api key event", { uid, provider, ...event });
}

export function dailyLimitSet(uid: string, provider: Provider, dailyLimit: number | null): void {
  logger.info("daily limit on own key set", { uid, provider, dailyLimit });
}

/** `provider` is "all" for an operation on every provider's record at once (statuses, remove all). */
export function keyStoreFailure(uid: string, provider: Provider | "all", operation: string, error: unknown): void {
  logger.error("key store unavailable", { uid, provider, operation, ...describeError(error) });
}

/**
 * A stored record will never decrypt again: `EnvelopeIntegrityError` (tampered or moved) or
 * `WrappingKeyUnusableError` (its KMS key version is disabled or destroyed, e.g. before a re-wrap ran).
 */
export function keyUnreadable(uid: string, provider: Provider | "all", operation: string, error: Error): void {
  logger.error("stored key is unreadable", { uid, provider, operation, cause: error.name });
}

export function auditWriteFailed(uid: string, provider: Provider, error: unknown): void {
  logger.warn("audit event not written", { uid, provider, ...describeError(error) });
}

/** A call came with an App Check token that was already consumed: a replayed request, worth seeing. */
export function appCheckTokenReplayed(uid: string | undefined, appId: string): void {
  logger.warn("app check token replayed", { uid, appId });
}

export function unexpectedError(error: unknown): void {
  logger.error("unexpected error", describeError(error));
}

/**
 * What may be logged about an arbitrary error: its type, code and stack frames, but not its message,
 * which for SDK and upstream errors can embed request data.
 */
export function describeError(error: unknown): { errorType: string; errorCode?: string | number; frames?: string } {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = error.stack
    ?.split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .slice(0, 8)
    .join("\n");
  return {
    errorType: error.name,
    ...(typeof code === "string" || typeof code === "number" ? { errorCode: code } : {}),
    ...(frames ? { frames } : {}),
  };
}

/** One AI generation's outcome: which flow, whose key, and how it ended (`ok`, `malformed`, or the upstream failure's kind: never upstream text). */
export function aiGeneration(
  uid: string,
  flow: string,
  keySource: "user" | "default",
  provider: Provider,
  outcome: string,
): void {
  const entry = { uid, flow, keySource, provider, outcome };
  if (outcome === "ok" || outcome === "blocked" || outcome === "cancelled") logger.info("ai generation", entry);
  else logger.warn("ai generation failed", entry);
}

/**
 * For the operator: the provider does not serve the configured model (GEMINI_MODEL, OPENAI_MODEL,
 * ANTHROPIC_MODEL or OPENROUTER_MODEL), to everyone or to this key. Users cannot fix this; a retired or misspelt model name can.
 */
export function modelUnavailable(provider: Provider, model: string, during: "key_check" | "generation"): void {
  const param = { googleai: "GEMINI_MODEL", openai: "OPENAI_MODEL", anthropic: "ANTHROPIC_MODEL", openrouter: "OPENROUTER_MODEL" }[provider];
  logger.error(`configured ${providerInfo[provider].label} model not available: check ${param}`, { provider, model, during });
}

/** For the operator: an endpoint override meant for the emulators is set in a deployed environment, and refused. */
export function endpointRefused(variable: string): void {
  logger.error(`${variable} points away from the official endpoint outside the emulator: refused. Unset it in this environment.`, { variable });
}

export function defaultKeyNotConfigured(): void {
  logger.error("ALLOW_DEFAULT_KEY is true but the GEMINI_API_KEY secret is empty");
}

export function defaultKeyRejected(outcome: "key_invalid" | "quota"): void {
  logger.error("the project's default Gemini key failed", { outcome });
}

/**
 * For the operator: the shared key's project-wide budget for today is spent; its breaker opens until
 * midnight UTC and every shared-key call is refused. `alert` is the stable field the log-based metric of
 * docs/security-accounts.md matches (the message may be reworded; the field may not).
 */
export function sharedKeyBudgetSpent(dailyBudget: number): void {
  logger.warn("shared Gemini key: today's project budget is spent (DEFAULT_KEY_PROJECT_DAILY_BUDGET)", { alert: "shared_key_budget_spent", dailyBudget });
}

/**
 * For the operator: a shared-key call was refused because the identity its daily cap is counted on
 * could not be formed: SHARED_KEY_IDENTITY_SECRET is not set (every shared-key call is refused until
 * it is), or a verified account without an address.
 */
export function sharedKeyIdentityUnavailable(cause: "no_secret" | "no_email"): void {
  logger.error("shared Gemini key: no identity to count the daily cap on; call refused", { cause });
}

/** For the operator: Google keeps refusing the shared key with 429, so its breaker opened. */
export function sharedKeyBreakerOpened(cause: "quota", openUntil: number): void {
  logger.error("shared Gemini key: circuit breaker opened after sustained 429s from Google", { cause, openUntil: new Date(openUntil).toISOString() });
}

export function sharedKeyStoreFailure(operation: string, error: unknown): void {
  logger.error("shared key budget store unavailable", { operation, ...describeError(error) });
}

export function keyBookkeepingFailed(uid: string, provider: Provider, operation: string, error: unknown): void {
  logger.warn("key status not updated", { uid, provider, operation, ...describeError(error) });
}

/** One re-wrap run's counts (rewrapApiKeys or `npm run keys:rewrap`). */
export function rewrapRun(counts: { failed: number; unreadable: number }): void {
  if (counts.failed > 0 || counts.unreadable > 0) logger.warn("key rewrap run", counts);
  else logger.info("key rewrap run", counts);
}

/** One record's data key moved to another KMS key version (names of versions are not secret). */
export function keyRewrapped(uid: string, provider: Provider, fromVersion: string, toVersion: string): void {
  logger.info("api key rewrapped", { uid, provider, fromVersion, toVersion });
}

export function rewrapFailed(uid: string, provider: Provider, error: unknown): void {
  logger.warn("api key rewrap failed", { uid, provider, ...describeError(error) });
}

/** One run of the scheduled cleanup of expired keys. */
export function expiryCleanup(counts: { found: number; deleted: number; failed: number }): void {
  if (counts.failed > 0) logger.warn("expired keys cleanup", counts);
  else logger.info("expired keys cleanup", counts);
}

/** A user's account was deleted and with it their key records and rate-limit documents. */
export function accountKeyDataDeleted(uid: string, keysDeleted: number): void {
  logger.info("account deleted: key data removed", { uid, keysDeleted });
}

/** One run of the sweep for data of accounts that no longer exist (sweepDeletedAccounts). */
export function deletedAccountSweep(counts: { checked: number; orphaned: number; keysDeleted: number; failed: number }): void {
  if (counts.failed > 0) logger.warn("deleted accounts sweep", counts);
  else logger.info("deleted accounts sweep", counts);
}

export function deletedAccountSweepFailed(uid: string, error: unknown): void {
  logger.warn("deleted accounts sweep: data not deleted", { uid, ...describeError(error) });
}

/** A call refused because the caller's account was deleted or disabled, or its sessions revoked, after its ID token was issued. */
export function sessionEnded(uid: string, cause: "deleted" | "disabled" | "revoked"): void {
  logger.warn("call refused: the account's session has ended", { uid, cause });
}

/** Firebase Auth did not answer the account check: the call was refused (fails closed). */
export function accountCheckFailed(uid: string, error: unknown): void {
  logger.error("account check unavailable", { uid, ...describeError(error) });
}

/**
 * A call refused by a rate limit: who, which limit and its figures. Logged at every refusal, so that
 * someone hammering a callable — testing keys in bulk through setApiKey, say — shows up in the logs.
 */
export function rateLimited(uid: string, bucket: string, limit: number, windowSeconds: number, retryAfterSeconds: number): void {
  logger.warn("rate limit reached", { uid, bucket, limit, windowSeconds, retryAfterSeconds });
}

export function rateLimitStoreFailure(uid: string, bucket: string, error: unknown): void {
  logger.error("rate limit store unavailable", { uid, bucket, ...describeError(error) });
}

/** A request that was not the callable protocol, refused before firebase-functions (which would log its body) saw it. */
export function malformedCallableRequest(problem: string): void {
  logger.warn("malformed callable request refused", { problem });
}

/** A practice could not be saved; the user still gets the answer they paid for. */
export function practiceSaveFailed(uid: string, operation: string, error: unknown): void {
  logger.error("practice history write failed", { uid, operation, ...describeError(error) });
}

/** Saving a practice took the user past PRACTICE_HISTORY_LIMIT: the oldest were deleted. */
export function practicesPruned(uid: string, deleted: number, limit: number): void {
  logger.info("practice history pruned to its limit", { uid, deleted, limit });
}

export function historyRetentionSet(uid: string, retentionDays: number | null, practicesUpdated: number): void {
  logger.info("practice history retention set", { uid, retentionDays, practicesUpdated });
}

/** A deleted account's practice history is gone. */
export function accountPracticesDeleted(uid: string): void {
  logger.info("account deleted: practice history removed", { uid });
}
