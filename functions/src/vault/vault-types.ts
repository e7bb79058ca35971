import type { KeyState } from "./api-key-store";
import type { Provider } from "../providers";

/**
 * The vault's own words, shared by its parts and re-exported by api-key-vault.ts (callers import them
 * from there). They live apart so that the parts need not import the module that assembles them.
 */

/** A key's credit as its provider reports it (provider-apis/provider-api.ts). */
export interface ReportedCredit {
  remaining: number | null;
  limit: number | null;
}

/** What the provider's check said when a key was saved: its state, when, and its credit if reported. */
export interface Verification {
  state: KeyState;
  verifiedAt?: Date;
  credit?: ReportedCredit;
}

/** A decrypted key, the id of the record it came from, the user's daily limit on it and the model they chose, if set. */
export interface StoredKey {
  apiKey: string;
  keyId: string;
  dailyLimit?: number;
  /** The model the owner chose for this key (`setModel`); absent: the operator's default. */
  model?: string;
}

/** A decrypted key and the provider it is for: the key an AI call that named no provider runs on. */
export interface ProviderKey extends StoredKey {
  provider: Provider;
}

/**
 * What an update of key `keyId`'s record came to: written (with its audit event), nothing to change, no
 * such record (or an expired one, where that counts as none), or the record now holds another key.
 */
export type SameKeyOutcome = "stored" | "unchanged" | "key_missing" | "key_changed";

/** What the provider said when a key was used or checked, in the audit trail's words. */
export type ProviderVerdict = "valid" | "rejected_by_provider" | "quota_exhausted";

/**
 * How a key read may wait for the call's limits: the record is read at once (a Firestore read, beside
 * whatever else the call is waiting on), and nothing more happens — no decryption (KMS or the data-key
 * cache), no write — until `decryptAfter` resolves. When it rejects, the read rejects with its error and
 * has cost one document read.
 */
export interface KeyReadGate {
  decryptAfter?: Promise<unknown>;
}

export interface VaultOptions {
  now?: () => Date;
  /** KEY_ROTATION_REMINDER_DAYS: from this age on, status says `rotationDue`. */
  rotationReminderDays?: () => number;
  /** The operator's model for a provider (GEMINI_MODEL and the like): status says it as `defaultModel`. */
  defaultModel?: (provider: Provider) => string;
}
