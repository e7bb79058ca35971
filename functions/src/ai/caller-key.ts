import { AppError, defaultKeyCapReached, keyMissing, sharedKeyNeedsVerifiedAccount } from "../errors";
import * as logs from "../logs";
import type { ApiKeyVault } from "../vault/api-key-vault";

/** The key a generation runs on, and whose it is (a user's stored key also names its record). */
export type CallerKey = { apiKey: string; keySource: "user"; keyId: string } | { apiKey: string; keySource: "default" };

/** What the caller's ID token says about their account. */
export interface CallerAccount {
  /** `email_verified`. */
  emailVerified: boolean;
  /** `firebase.sign_in_provider`, e.g. "password", "google.com", "anonymous". */
  signInProvider?: string;
}

/**
 * Whether an account may run on the app's shared key: a verified email address, and not an anonymous
 * sign-in. Accounts are free; a verified address is the least that makes each one cost its maker
 * something, so that the per-user cap is not multiplied by throwaway accounts.
 */
export function mayUseSharedKey(account: CallerAccount): boolean {
  return account.emailVerified && account.signInProvider !== "anonymous";
}

/** The user's own key: each call is counted for the day, against the daily limit they may have set. */
export interface OwnKeyPolicy {
  /** Counts one call; throws QUOTA_EXCEEDED once `dailyLimit` (when set) is reached. */
  countCall: (uid: string, dailyLimit: number | undefined) => Promise<void>;
}

export interface DefaultKeyPolicy {
  /** ALLOW_DEFAULT_KEY. */
  allowed: boolean;
  /** DEFAULT_KEY_DAILY_CAP: calls per user per UTC day on the project's key. */
  dailyCap: number;
  /** Reads the GEMINI_API_KEY secret (only called when the fallback is allowed and needed). */
  readKey: () => string;
  /** Counts one call against the user's daily allowance; throws RATE_LIMITED when it is used up. */
  consumeAllowance: (uid: string, dailyCap: number) => Promise<void>;
  /** The project-wide guard (shared-key-budget.ts): the breaker, checked first; the day's budget, counted last. */
  project: {
    ensureClosed: () => Promise<void>;
    consumeBudget: () => Promise<void>;
  };
}

/**
 * The caller's own stored key — read and decrypted fresh on every call, so a removal takes effect at
 * once, and counted against the daily limit its owner may have set — or, when the project allows it and
 * the user has none, the project's key: only for a verified, non-anonymous account, while the shared key's
 * breaker is closed, within the user's daily cap and the project's daily budget. A stored key that can
 * never be decrypted again surfaces as KEY_UNREADABLE (the user has a key, so there is no fallback), other
 * vault failures as KEY_STORE_UNAVAILABLE; no key at all (or an expired one) as KEY_MISSING.
 */
export async function resolveCallerKey(
  caller: { uid: string; account: CallerAccount },
  vault: Pick<ApiKeyVault, "readApiKey">,
  defaultKey: DefaultKeyPolicy,
  ownKey: OwnKeyPolicy,
): Promise<CallerKey> {
  const { uid } = caller;
  const stored = await vault.readApiKey(uid, "googleai");
  if (stored) {
    await ownKey.countCall(uid, stored.dailyLimit);
    return { apiKey: stored.apiKey, keyId: stored.keyId, keySource: "user" };
  }
  if (!defaultKey.allowed) throw keyMissing();
  if (!mayUseSharedKey(caller.account)) throw sharedKeyNeedsVerifiedAccount();
  const projectKey = defaultKey.readKey();
  if (!projectKey) {
    logs.defaultKeyNotConfigured();
    throw keyMissing();
  }
  await defaultKey.project.ensureClosed();
  try {
    await defaultKey.consumeAllowance(uid, defaultKey.dailyCap);
  } catch (error) {
    if (error instanceof AppError && error.reason === "RATE_LIMITED") {
      throw defaultKeyCapReached(defaultKey.dailyCap, error.extra.retryAfterSeconds ?? 3600);
    }
    throw error;
  }
  await defaultKey.project.consumeBudget();
  return { apiKey: projectKey, keySource: "default" };
}
