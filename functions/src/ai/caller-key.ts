import { AppError, defaultKeyCapReached, keyMissing } from "../errors";
import * as logs from "../logs";
import type { ApiKeyVault } from "../vault/api-key-vault";

/** The key a generation runs on, and whose it is (a user's stored key also names its record). */
export type CallerKey = { apiKey: string; keySource: "user"; keyId: string } | { apiKey: string; keySource: "default" };

export interface DefaultKeyPolicy {
  /** ALLOW_DEFAULT_KEY. */
  allowed: boolean;
  /** DEFAULT_KEY_DAILY_CAP: calls per user per UTC day on the project's key. */
  dailyCap: number;
  /** Reads the GEMINI_API_KEY secret (only called when the fallback is allowed and needed). */
  readKey: () => string;
  /** Counts one call against the user's daily allowance; throws RATE_LIMITED when it is used up. */
  consumeAllowance: (uid: string, dailyCap: number) => Promise<void>;
}

/**
 * The caller's own stored key — read and decrypted fresh on every call, so a removal takes effect at
 * once — or, when the project allows it and the user has none, the project's key within a per-user
 * daily cap. A stored key that can never be decrypted again surfaces as KEY_UNREADABLE (the user has a key,
 * so there is no fallback), other vault failures as KEY_STORE_UNAVAILABLE; no key at all (or an expired
 * one) as KEY_MISSING.
 */
export async function resolveCallerKey(uid: string, vault: Pick<ApiKeyVault, "readApiKey">, defaultKey: DefaultKeyPolicy): Promise<CallerKey> {
  const stored = await vault.readApiKey(uid, "googleai");
  if (stored) return { ...stored, keySource: "user" };
  if (!defaultKey.allowed) throw keyMissing();
  const projectKey = defaultKey.readKey();
  if (!projectKey) {
    logs.defaultKeyNotConfigured();
    throw keyMissing();
  }
  try {
    await defaultKey.consumeAllowance(uid, defaultKey.dailyCap);
  } catch (error) {
    if (error instanceof AppError && error.reason === "RATE_LIMITED") {
      throw defaultKeyCapReached(defaultKey.dailyCap, error.extra.retryAfterSeconds ?? 3600);
    }
    throw error;
  }
  return { apiKey: projectKey, keySource: "default" };
}
