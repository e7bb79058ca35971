import { AppError, defaultKeyCapReached, keyMissing, sharedKeyNeedsVerifiedAccount } from "../errors";
import * as logs from "../logs";
import type { Provider } from "../providers";
import type { ApiKeyVault } from "../vault/api-key-vault";

/**
 * The key a generation runs on, which provider it is for, and whose it is (a user's stored key also
 * names its record, and the model its owner chose for it, if any). The app's shared key is Gemini's.
 */
export type CallerKey =
  | { apiKey: string; provider: Provider; keySource: "user"; keyId: string; model?: string }
  | { apiKey: string; provider: "googleai"; keySource: "default" };

/** What the caller's ID token says about their account. */
export interface CallerAccount {
  /** `email_verified`. */
  emailVerified: boolean;
  /** `email`: the shared key's daily cap is counted per verified address (shared-key-identity.ts). */
  email?: string;
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
  /** Counts one call on the user's key for `provider`; throws QUOTA_EXCEEDED once `dailyLimit` (when set) is reached. */
  countCall: (uid: string, provider: Provider, dailyLimit: number | undefined) => Promise<void>;
}

export interface DefaultKeyPolicy {
  /** ALLOW_DEFAULT_KEY. */
  allowed: boolean;
  /** DEFAULT_KEY_DAILY_CAP: calls per person (verified email address) per UTC day on the project's key. */
  dailyCap: number;
  /** Reads the GEMINI_API_KEY secret (only called when the fallback is allowed and needed). */
  readKey: () => string;
  /**
   * Counts one call against the daily allowance of the person behind `account` (their verified address,
   * not the uid, which a deleted and recreated account does not keep); throws RATE_LIMITED when it is used up.
   */
  consumeAllowance: (uid: string, dailyCap: number, account: CallerAccount) => Promise<void>;
  /** The project-wide guard (limits/shared-key-budget.ts): the breaker, checked first; the day's budget, counted last. */
  project: {
    ensureClosed: () => Promise<void>;
    consumeBudget: () => Promise<void>;
  };
}

/**
 * The caller's own stored key — read and decrypted fresh on every call, so a removal takes effect at
 * once, and counted against the daily limit its owner may have set — or, when the project allows it and
 * the user has none, the project's (Gemini) key: only for a verified, non-anonymous account, while the
 * shared key's breaker is closed, within the user's daily cap and the project's daily budget.
 *
 * `accountActive` (the check that the account was not deleted, disabled or signed out since its token,
 * started by the callable beside the key read) is awaited before anything is counted on the shared key.
 * `admitted` (the call's per-minute limit, counted by the callable beside this read) gates everything
 * after the key record's read: the key is decrypted only once it has resolved, so a refused call costs
 * one document read and no KMS request.
 *
 * Which provider: the one the call names; else the user's preferred provider if its key is usable, else
 * the first usable key in the registry's order (vault.readPreferredApiKey). A stored key that can never be
 * decrypted again surfaces as KEY_UNREADABLE (the user has a key, so there is no fallback), other vault
 * failures as KEY_STORE_UNAVAILABLE; no key at all (or an expired one) as KEY_MISSING.
 */
export async function resolveCallerKey(
  caller: { uid: string; account: CallerAccount; accountActive?: Promise<void>; admitted?: Promise<unknown> },
  requested: Provider | undefined,
  vault: Pick<ApiKeyVault, "readApiKey" | "readPreferredApiKey">,
  defaultKey: DefaultKeyPolicy,
  ownKey: OwnKeyPolicy,
): Promise<CallerKey> {
  const { uid } = caller;
  const gate = { decryptAfter: caller.admitted };
  const stored = requested
    ? await vault.readApiKey(uid, requested, gate).then((key) => key && { ...key, provider: requested })
    : await vault.readPreferredApiKey(uid, gate);
  // Nothing below happens for a call its limit refused (the vault already waited when it found a key).
  await caller.admitted;
  if (stored) {
    await ownKey.countCall(uid, stored.provider, stored.dailyLimit);
    return { apiKey: stored.apiKey, keyId: stored.keyId, provider: stored.provider, keySource: "user", ...(stored.model ? { model: stored.model } : {}) };
  }
  // The shared key is Gemini's: a call that asked for another provider has no fallback.
  if (requested && requested !== "googleai") throw keyMissing(requested);
  if (!defaultKey.allowed) throw keyMissing(requested);
  if (!mayUseSharedKey(caller.account)) throw sharedKeyNeedsVerifiedAccount();
  const projectKey = defaultKey.readKey();
  if (!projectKey) {
    logs.defaultKeyNotConfigured();
    throw keyMissing(requested);
  }
  await caller.accountActive;
  await defaultKey.project.ensureClosed();
  try {
    await defaultKey.consumeAllowance(uid, defaultKey.dailyCap, caller.account);
  } catch (error) {
    if (error instanceof AppError && error.reason === "RATE_LIMITED") {
      throw defaultKeyCapReached(defaultKey.dailyCap, error.extra.retryAfterSeconds ?? 3600);
    }
    throw error;
  }
  await defaultKey.project.consumeBudget();
  return { apiKey: projectKey, provider: "googleai", keySource: "default" };
}
