import { consumeRateLimit } from "../limits/rate-limit";

/**
 * Per-user limits on the key-management callables, kept in Firestore across instances (limits/rate-limit.ts).
 * Each refusal is RATE_LIMITED with `retryAfterSeconds`, and is logged.
 */
export const keyCallLimits = {
  /**
   * Each attempt asks Google about a key, so without a bound setApiKey would let anyone with an account
   * test stolen keys at our expense. Ten attempts per ten minutes is plenty for typos.
   */
  setApiKey: { bucket: "set-api-key", limit: 10, windowSeconds: 600 },
  /** A deletion and its audit event: as many as one can save keys to delete. */
  removeApiKey: { bucket: "remove-api-key", limit: 10, windowSeconds: 600 },
  /** Changing one's own daily limit: generous for someone trying figures, bounded for a script. */
  setDailyLimit: { bucket: "key-settings", limit: 20, windowSeconds: 600 },
  /** Choosing the preferred provider is a setting like the daily limit, and shares its allowance. */
  setPreferredProvider: { bucket: "key-settings", limit: 20, windowSeconds: 600 },
  /** Choosing how long practice history is kept (or reading the choice when Settings opens): a setting like the others. */
  setHistoryRetention: { bucket: "history-settings", limit: 20, windowSeconds: 600 },
  /**
   * A key's model list (Settings' Model choice): cached for hours, so a provider is asked at most once per
   * key per six hours; the bound is for the cache reads.
   */
  apiKeyModels: { bucket: "key-models", limit: 20, windowSeconds: 60 },
  /** Choosing a model asks the provider about the key (like a save), so it shares setApiKey's kind of bound. */
  setModel: { bucket: "set-model", limit: 10, windowSeconds: 600 },
  /** Read whenever Settings opens: one every two seconds, sustained, is more than a person needs. */
  apiKeyStatus: { bucket: "key-status", limit: 30, windowSeconds: 60 },
  /**
   * Settings' "Recent activity": each call reads up to 50 audit documents, and its App Check token is the
   * cached kind (not consumed), so without a bound one attested token drives it from a script for an hour.
   */
  apiKeyActivity: { bucket: "key-activity", limit: 20, windowSeconds: 60 },
} as const;

/** Counts one call of a key-management callable for `uid`; throws RATE_LIMITED over its limit. */
export async function countKeyCall(uid: string, callable: keyof typeof keyCallLimits): Promise<void> {
  await consumeRateLimit({ uid, ...keyCallLimits[callable] });
}
