import { randomUUID } from "node:crypto";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { firestore } from "../admin";
import type { ApiKeyStatus } from "../contract";
import { kmsKeyName } from "../config";
import { AppError, keyStoreUnavailable, keyUnreadable } from "../errors";
import * as logs from "../logs";
import { keyHint, type Provider } from "../providers";
import {
  apiKeyDoc,
  auditCollection,
  auditDocument,
  fromDocument,
  toDocument,
  type ApiKeyRecord,
  type AuditEvent,
  type KeyState,
} from "./api-key-store";
import { cachingUnwrap } from "./data-key-cache";
import { EnvelopeIntegrityError, openSecret, sealSecret, secretAad, type DataKeyWrapper } from "./envelope";
import { createKmsClient, kmsKeyWrapper } from "./kms-key-wrapper";

export type { KeyState } from "./api-key-store";

export type { ApiKeyStatus } from "../contract";

/** A decrypted key, the id of the record it came from, and the user's daily limit on it if they set one. */
export interface StoredKey {
  apiKey: string;
  keyId: string;
  dailyLimit?: number;
}

export interface ApiKeyVault {
  /** Encrypts and stores `apiKey`, replacing any previous one atomically: on failure the old key stays. */
  storeApiKey(uid: string, provider: Provider, apiKey: string, verification: { state: KeyState; verifiedAt?: Date }): Promise<ApiKeyStatus>;
  /** Deletes the record and with it the wrapped data key (crypto-shredding). Idempotent: nothing to remove writes nothing. */
  removeApiKey(uid: string, provider: Provider): Promise<boolean>;
  status(uid: string, provider: Provider): Promise<ApiKeyStatus>;
  /**
   * Sets (a number) or clears (null) the user's daily limit on AI calls with their key. Resolves to the
   * new status, or null when no key is stored (the limit lives with the key). The same value again writes nothing.
   */
  setDailyLimit(uid: string, provider: Provider, dailyLimit: number | null): Promise<ApiKeyStatus | null>;
  /** The caller's plaintext key, read fresh from Firestore on every call (so a removal takes effect at once). */
  readApiKey(uid: string, provider: Provider): Promise<StoredKey | null>;
  /**
   * Status updates after a call made with key `keyId`. They apply only while that key is still the
   * stored one: a call that fails after the user replaced the key must not mark the new key invalid.
   * A state change is audited; the same state again writes nothing.
   */
  markState(uid: string, provider: Provider, keyId: string, state: KeyState): Promise<void>;
  recordUse(uid: string, provider: Provider, keyId: string): Promise<void>;
  /** Appends an audit event on its own (events that accompany a write are written with it). Best effort. */
  audit(uid: string, provider: Provider, event: AuditEvent): Promise<void>;
}

export function createApiKeyVault(db: Firestore, wrapper: DataKeyWrapper, now: () => Date = () => new Date()): ApiKeyVault {
  /** Runs one store operation; every failure that is not already an AppError becomes KEY_STORE_UNAVAILABLE. */
  async function guarded<T>(uid: string, provider: Provider, operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof EnvelopeIntegrityError) {
        logs.keyIntegrityFailure(uid, provider);
        throw keyUnreadable();
      }
      logs.keyStoreFailure(uid, provider, operation, error);
      throw keyStoreUnavailable();
    }
  }

  async function audit(uid: string, provider: Provider, event: AuditEvent): Promise<void> {
    logs.keyEvent(uid, provider, event);
    try {
      await db.collection(auditCollection).add(auditDocument(uid, provider, event));
    } catch (error) {
      logs.auditWriteFailed(uid, provider, error);
    }
  }

  /**
   * Applies `fields` to the record if it still holds key `keyId` (not removed or replaced meanwhile). When
   * that changes the key's state, the state change is audited in the same transaction; a repeat of the
   * state it already has writes no audit event. Resolves to the state change made, if any.
   */
  async function updateIfSameKey(
    uid: string,
    provider: Provider,
    keyId: string,
    fields: Record<string, unknown> & { state: KeyState },
    { onlyIfStateChanges }: { onlyIfStateChanges: boolean },
  ): Promise<AuditEvent | undefined> {
    const ref = apiKeyDoc(db, uid, provider);
    return db.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      if (snapshot.get("keyId") !== keyId) return undefined;
      const stateChanges = snapshot.get("state") !== fields.state;
      if (!stateChanges && onlyIfStateChanges) return undefined;
      tx.update(ref, fields);
      if (!stateChanges) return undefined;
      const event: AuditEvent = { event: "state_change", outcome: fields.state };
      tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event));
      return event;
    });
  }

  return {
    storeApiKey: (uid, provider, apiKey, verification) =>
      guarded(uid, provider, "store", async () => {
        // Seal before touching Firestore: a KMS failure leaves the previous record exactly as it was.
        const envelope = await sealSecret(apiKey, secretAad(uid, provider), wrapper);
        const at = now();
        const record = {
          keyId: randomUUID(),
          provider,
          envelope,
          hint: keyHint(provider, apiKey),
          state: verification.state,
          createdAt: at,
          updatedAt: at,
          verifiedAt: verification.verifiedAt,
          usageCount: 0,
        };
        const ref = apiKeyDoc(db, uid, provider);
        const { event, stored } = await db.runTransaction(async (tx) => {
          const previous = await tx.get(ref);
          const event: AuditEvent = { event: "set", outcome: previous.exists ? "replaced" : "stored", state: record.state };
          // The user's daily limit is theirs, not the key's: a replaced key keeps it.
          const dailyLimit = previous.exists ? fromDocument(previous.data()!).dailyLimit : undefined;
          const stored = dailyLimit === undefined ? record : { ...record, dailyLimit };
          tx.set(ref, toDocument(stored));
          tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event));
          return { event, stored };
        });
        logs.keyEvent(uid, provider, event);
        return statusOf(stored);
      }),

    removeApiKey: (uid, provider) =>
      guarded(uid, provider, "remove", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        const event = await db.runTransaction(async (tx) => {
          const existing = await tx.get(ref);
          const event: AuditEvent = { event: "remove", outcome: existing.exists ? "removed" : "absent" };
          // Nothing to remove changes nothing, so it leaves no audit document (a log line only).
          if (!existing.exists) return event;
          tx.delete(ref);
          tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event));
          return event;
        });
        logs.keyEvent(uid, provider, event);
        return event.outcome === "removed";
      }),

    status: (uid, provider) =>
      guarded(uid, provider, "status", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        return snapshot.exists ? statusOf(fromDocument(snapshot.data()!)) : { provider, hasKey: false };
      }),

    setDailyLimit: (uid, provider, dailyLimit) =>
      guarded(uid, provider, "set_daily_limit", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        return db.runTransaction(async (tx) => {
          const snapshot = await tx.get(ref);
          if (!snapshot.exists) return null;
          const record = fromDocument(snapshot.data()!);
          if ((record.dailyLimit ?? null) === dailyLimit) return statusOf(record);
          tx.update(ref, { dailyLimit });
          return statusOf({ ...record, dailyLimit: dailyLimit ?? undefined });
        });
      }),

    readApiKey: (uid, provider) =>
      guarded(uid, provider, "read", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        if (!snapshot.exists) return null;
        const record = fromDocument(snapshot.data()!);
        const apiKey = await openSecret(record.envelope, secretAad(uid, provider), wrapper);
        return { apiKey, keyId: record.keyId, ...(record.dailyLimit === undefined ? {} : { dailyLimit: record.dailyLimit }) };
      }),

    markState: (uid, provider, keyId, state) =>
      guarded(uid, provider, "mark_state", async () => {
        const event = await updateIfSameKey(uid, provider, keyId, { state, updatedAt: now() }, { onlyIfStateChanges: true });
        if (event) logs.keyEvent(uid, provider, event);
      }),

    recordUse: (uid, provider, keyId) =>
      guarded(uid, provider, "record_use", async () => {
        const fields = { lastUsedAt: now(), usageCount: FieldValue.increment(1), state: "active" as const };
        const event = await updateIfSameKey(uid, provider, keyId, fields, { onlyIfStateChanges: false });
        if (event) logs.keyEvent(uid, provider, event);
      }),

    audit,
  };
}

function statusOf(record: Omit<ApiKeyRecord, "envelope" | "keyId">): ApiKeyStatus {
  return {
    provider: record.provider,
    hasKey: true,
    hint: record.hint,
    state: record.state,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...(record.verifiedAt ? { verifiedAt: record.verifiedAt.toISOString() } : {}),
    ...(record.lastUsedAt ? { lastUsedAt: record.lastUsedAt.toISOString() } : {}),
    usageCount: record.usageCount,
    ...(record.dailyLimit === undefined ? {} : { dailyLimit: record.dailyLimit }),
  };
}

let instance: ApiKeyVault | undefined;

/** The vault of this function instance: built on first use, so its data-key cache lives as long as the instance. */
export function defaultVault(): ApiKeyVault {
  instance ??= createApiKeyVault(
    firestore(),
    cachingUnwrap(kmsKeyWrapper(createKmsClient(), kmsKeyName.value()), { maxEntries: 1000, ttlMs: 5 * 60_000 }),
  );
  return instance;
}
