import type { Firestore } from "firebase-admin/firestore";
import { firestore } from "../platform/admin";
import type { ApiKeyStatus, ApiKeyStatuses, KeyActivityEvent } from "../contract";
import { keyRotationReminderDays, kmsKeyName, modelFor } from "../config";
import type { Provider } from "../providers";
import type { AuditEvent, KeyState } from "./api-key-store";
import { cachingUnwrap } from "./data-key-cache";
import type { DataKeyWrapper } from "./envelope";
import { keyReads } from "./key-reads";
import { keySettings } from "./key-settings";
import { keyStatusReads } from "./key-status-reads";
import { keyUsageRecords } from "./key-usage-records";
import { keyWrites } from "./key-writes";
import { createKmsClient, kmsKeyWrapper } from "./kms-key-wrapper";
import { createVaultContext } from "./vault-context";
import type { KeyReadGate, ProviderKey, ProviderVerdict, ReportedCredit, SameKeyOutcome, StoredKey, Verification, VaultOptions } from "./vault-types";

export type { KeyState } from "./api-key-store";

export type { ApiKeyStatus } from "../contract";

export type { KeyReadGate, ProviderKey, ProviderVerdict, ReportedCredit, SameKeyOutcome, StoredKey, Verification, VaultOptions } from "./vault-types";

/**
 * The vault: a user's provider keys, sealed with envelope encryption (KMS-wrapped data keys) in Firestore.
 * This module is its public face; the work is done by parts that share one context (vault-context.ts):
 * key-reads.ts (plaintext reads), key-writes.ts (store, replace, remove), key-settings.ts (preferred
 * provider, daily limit, model choice), key-usage-records.ts (what calls and checks did) and key-status-reads.ts
 * (status and activity, no KMS).
 */
export interface ApiKeyVault {
  /**
   * Encrypts and stores `apiKey`, replacing any previous one atomically: on failure the old key stays.
   * With `expiresInDays`, the key is treated as removed from that many days on.
   */
  storeApiKey(
    uid: string,
    provider: Provider,
    apiKey: string,
    verification: Verification,
    options?: { expiresInDays?: number },
  ): Promise<ApiKeyStatus>;
  /** Deletes the record and with it the wrapped data key (crypto-shredding). Idempotent: nothing to remove writes nothing. */
  removeApiKey(uid: string, provider: Provider): Promise<boolean>;
  /**
   * Deletes every key the user has, each with its `remove` audit event, in one transaction: all go or
   * none does. Resolves to the providers whose keys were removed (none: nothing written).
   */
  removeAllApiKeys(uid: string): Promise<Provider[]>;
  /** What the owner may know about their key; an expired key reads as no key. Needs no KMS. */
  status(uid: string, provider: Provider): Promise<ApiKeyStatus>;
  /** Every provider's status, in the registry's order, and the preferred provider: two reads side by side, no KMS. */
  statuses(uid: string): Promise<Omit<ApiKeyStatuses, "sharedKey">>;
  /** Sets (or with null clears) the provider AI calls use when they name none. The same value again writes nothing. */
  setPreferredProvider(uid: string, provider: Provider | null): Promise<Provider | null>;
  /**
   * Sets (a number) or clears (null) the user's daily limit on AI calls with their key. Resolves to the
   * new status, or null when no key is stored (the limit lives with the key). The same value again writes nothing.
   */
  setDailyLimit(uid: string, provider: Provider, dailyLimit: number | null): Promise<ApiKeyStatus | null>;
  /**
   * Sets (a model id) or clears (null) the owner's model on key `keyId`'s record, with its audit event
   * (`model` / `chosen` or `reset`), in one transaction that applies only while `keyId` is still the stored,
   * unexpired key: a choice checked against one key is never stored on another. The same value again
   * writes nothing (`unchanged`); no key or an expired one: `key_missing`; another key: `key_changed`.
   */
  storeModelChoice(uid: string, provider: Provider, keyId: string, model: string | null): Promise<SameKeyOutcome>;
  /**
   * Clears a model choice the provider retired (issue 19: the call that found the model gone fell back,
   * and from now on the operator's default is used), with the audit event `model` / `retired`, in one
   * transaction that applies only while the record still holds key `keyId` and its choice is still
   * `model` (the user may have replaced the key or chosen another model meanwhile). True when it cleared it.
   */
  clearRetiredModel(uid: string, provider: Provider, keyId: string, model: string): Promise<boolean>;
  /**
   * The caller's plaintext key, read fresh from Firestore on every call (so a removal takes effect at once).
   * An expired key is deleted and reads as none. A record that can never be decrypted again is marked
   * `unreadable` and fails KEY_UNREADABLE; an outage fails KEY_STORE_UNAVAILABLE and changes nothing.
   * With `gate`, only the record is read before `gate.decryptAfter` resolves.
   */
  readApiKey(uid: string, provider: Provider, gate?: KeyReadGate): Promise<StoredKey | null>;
  /**
   * The key an AI call runs on when it names no provider: the preferred provider's if it is usable, else
   * the first usable one in the registry's order; when the user has keys but none is usable, the first
   * of those (preferred first), so that its owner hears why it fails. Null when the user has no key. The
   * user's records and settings are read side by side, and only the chosen key is decrypted: with `gate`,
   * once `gate.decryptAfter` resolves.
   */
  readPreferredApiKey(uid: string, gate?: KeyReadGate): Promise<ProviderKey | null>;
  /**
   * Status updates after a call made with key `keyId`. They apply only while that key is still the
   * stored one: a call that fails after the user replaced the key must not mark the new key invalid.
   * A state change is audited; the same state again writes nothing.
   */
  markState(uid: string, provider: Provider, keyId: string, state: KeyState): Promise<void>;
  /**
   * An AI call failed because of key `keyId`: its state follows the provider's verdict, and the use is
   * audited. `credit`: the key's credit as the provider reported it after the call, kept with the state.
   */
  recordFailedUse(uid: string, provider: Provider, keyId: string, verdict: Exclude<ProviderVerdict, "valid">, credit?: ReportedCredit): Promise<void>;
  /** A successful use: counts it, and the key is `active` again (audited if that is a change); `credit` as for recordFailedUse, in the same write. */
  recordUse(uid: string, provider: Provider, keyId: string, credit?: ReportedCredit): Promise<void>;
  /** The provider's verdict on a re-check of key `keyId`: sets state, `verifiedAt` (and credit), audits, and returns the status. */
  recordVerification(uid: string, provider: Provider, keyId: string, verdict: ProviderVerdict, credit?: ReportedCredit): Promise<ApiKeyStatus>;
  /** The owner's own key events, newest first. */
  activity(uid: string, provider: Provider, limit: number): Promise<KeyActivityEvent[]>;
  /** Appends an audit event on its own (events that accompany a write are written with it). Best effort. */
  audit(uid: string, provider: Provider, event: AuditEvent): Promise<void>;
}

export function createApiKeyVault(db: Firestore, wrapper: DataKeyWrapper, options: VaultOptions = {}): ApiKeyVault {
  const context = createVaultContext(db, wrapper, options);
  return {
    ...keyWrites(context),
    ...keySettings(context),
    ...keyStatusReads(context),
    ...keyReads(context),
    ...keyUsageRecords(context),
    audit: context.audit,
  };
}

let instance: ApiKeyVault | undefined;

/** The vault of this function instance: built on first use, so its data-key cache lives as long as the instance. */
export function defaultVault(): ApiKeyVault {
  instance ??= createApiKeyVault(
    firestore(),
    cachingUnwrap(kmsKeyWrapper(createKmsClient(), kmsKeyName.value()), { maxEntries: 1000, ttlMs: 5 * 60_000 }),
    { rotationReminderDays: () => keyRotationReminderDays.value(), defaultModel: modelFor },
  );
  return instance;
}
