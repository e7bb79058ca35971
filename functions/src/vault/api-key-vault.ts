import { randomUUID } from "node:crypto";
import { FieldValue, type Firestore, type Timestamp } from "firebase-admin/firestore";
import { firestore } from "../platform/admin";
import type { ApiKeyStatus, ApiKeyStatuses, KeyActivityEvent, KeyEvent } from "../contract";
import { keyRotationReminderDays, kmsKeyName, modelFor } from "../config";
import { AppError, keyStoreUnavailable, keyUnreadable } from "../errors";
import * as logs from "../logs";
import { keyHint, providers, type Provider } from "../providers";
import {
  activityOf,
  apiKeyDoc,
  auditCollection,
  auditDocument,
  fromDocument,
  isExpired,
  creditDocument,
  toDocument,
  userKeysDoc,
  userKeySettingsOf,
  type ApiKeyRecord,
  type AuditEvent,
  type KeyState,
} from "./api-key-store";
import { cachingUnwrap } from "./data-key-cache";
import { isUnreadableRecordError, openSecret, sealSecret, secretAad, type DataKeyWrapper } from "./envelope";
import { expireIfDue } from "./key-lifecycle";
import { createKmsClient, kmsKeyWrapper } from "./kms-key-wrapper";

export type { KeyState } from "./api-key-store";

export type { ApiKeyStatus } from "../contract";

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
  model?: string;
}

/** A decrypted key and the provider it is for: the key an AI call that named no provider runs on. */
export interface ProviderKey extends StoredKey {
  provider: Provider;
}

/** States in which a stored key is worth trying: not known to be refused, not undecryptable. */
const usableStates: ReadonlySet<KeyState> = new Set<KeyState>(["active", "unverified", "quota_exhausted"]);

/** What the provider said when a key was used or checked, in the audit trail's words. */
export type ProviderVerdict = "valid" | "rejected_by_provider" | "quota_exhausted";

const stateForVerdict: Record<ProviderVerdict, KeyState> = {
  valid: "active",
  rejected_by_provider: "invalid",
  quota_exhausted: "quota_exhausted",
};

/**
 * How a key read may wait for the call's limits: the record is read at once (a Firestore read, beside
 * whatever else the call is waiting on), and nothing more happens — no decryption (KMS or the data-key
 * cache), no write — until `decryptAfter` resolves. When it rejects, the read rejects with its error and
 * has cost one document read.
 */
export interface KeyReadGate {
  decryptAfter?: Promise<unknown>;
}

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

export interface VaultOptions {
  now?: () => Date;
  /** KEY_ROTATION_REMINDER_DAYS: from this age on, status says `rotationDue`. */
  rotationReminderDays?: () => number;
  /** The operator's model for a provider (GEMINI_MODEL and the like): status says it as `defaultModel`. */
  defaultModel?: (provider: Provider) => string;
}

const dayMs = 86_400_000;

const grpcNotFound = 5;
const grpcFailedPrecondition = 9;
/** A write conditioned on the record as read failed: it changed (FAILED_PRECONDITION) or is gone (NOT_FOUND). */
const changedSinceRead = (error: unknown) => [grpcNotFound, grpcFailedPrecondition].includes((error as { code?: number })?.code ?? -1);

export function createApiKeyVault(db: Firestore, wrapper: DataKeyWrapper, options: VaultOptions = {}): ApiKeyVault {
  const now = options.now ?? (() => new Date());
  const rotationReminderDays = options.rotationReminderDays ?? (() => 90);

  /**
   * Runs one store operation on `provider`'s record ("all": on every provider's at once); every failure
   * that is not already an AppError becomes KEY_STORE_UNAVAILABLE.
   */
  async function guarded<T>(uid: string, provider: Provider | "all", operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      // Only a single record is ever decrypted, so an unreadable one is always one provider's.
      if (isUnreadableRecordError(error) && provider !== "all") {
        logs.keyUnreadable(uid, provider, operation, error);
        throw keyUnreadable(provider);
      }
      logs.keyStoreFailure(uid, provider, operation, error);
      throw keyStoreUnavailable();
    }
  }

  async function audit(uid: string, provider: Provider, event: AuditEvent): Promise<void> {
    logs.keyEvent(uid, provider, event);
    try {
      await db.collection(auditCollection).add(auditDocument(uid, provider, event, now()));
    } catch (error) {
      logs.auditWriteFailed(uid, provider, error);
    }
  }

  /**
   * Updates key `keyId`'s record in one transaction if it is still the stored key: `change` sees the
   * record as stored and returns the fields to set and the event to audit with them (or nothing to do).
   * Returns the record as it is afterwards, or undefined when there is none.
   */
  async function updateSameKey(
    uid: string,
    provider: Provider,
    keyId: string,
    change: (record: ApiKeyRecord) => { fields: Record<string, unknown>; event?: AuditEvent } | undefined,
  ): Promise<ApiKeyRecord | undefined> {
    const ref = apiKeyDoc(db, uid, provider);
    const { record, event } = await db.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists) return { record: undefined, event: undefined };
      const stored = fromDocument(snapshot.data()!);
      const update = stored.keyId === keyId ? change(stored) : undefined;
      if (!update) return { record: stored, event: undefined };
      tx.update(ref, update.fields);
      if (update.event) tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, update.event, now()));
      return { record: { ...stored, ...(update.fields as Partial<ApiKeyRecord>) }, event: update.event };
    });
    if (event) logs.keyEvent(uid, provider, event);
    return record;
  }

  /**
   * The record as readApiKey last read it, per key: its update time and state. A successful use is then
   * recorded by one write that applies only if the record is still exactly that (a compare-and-set on its
   * update time), which proves it is still key `keyId` without reading it again. Bounded; the least
   * recently used goes first.
   */
  const lastRead = new Map<string, { updateTime: Timestamp; state: KeyState }>();
  const lastReadKey = (uid: string, provider: Provider, keyId: string) => `${uid}/${provider}/${keyId}`;
  const rememberRead = (key: string, read: { updateTime: Timestamp; state: KeyState }) => {
    lastRead.delete(key);
    lastRead.set(key, read);
    if (lastRead.size > 1000) lastRead.delete(lastRead.keys().next().value as string);
  };

  /** recordUse in one write, if the record is as readApiKey last saw it; false when it is not (or was not seen). */
  async function recordUseAsLastRead(uid: string, provider: Provider, keyId: string, credit: Record<string, unknown>): Promise<boolean> {
    const key = lastReadKey(uid, provider, keyId);
    const seen = lastRead.get(key);
    if (!seen) return false;
    lastRead.delete(key);
    const ref = apiKeyDoc(db, uid, provider);
    const batch = db.batch().update(ref, { lastUsedAt: now(), usageCount: FieldValue.increment(1), state: "active", ...credit }, { lastUpdateTime: seen.updateTime });
    const event: AuditEvent | undefined = seen.state === "active" ? undefined : { event: "state_change", outcome: "active" };
    if (event) batch.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()));
    try {
      const [written] = await batch.commit();
      rememberRead(key, { updateTime: written.writeTime, state: "active" });
    } catch (error) {
      if (!changedSinceRead(error)) throw error;
      return false;
    }
    if (event) logs.keyEvent(uid, provider, event);
    return true;
  }

  /** Moves key `keyId` to `state`, auditing `state_change`, if that is a change. */
  const changeState = (uid: string, provider: Provider, keyId: string, state: KeyState) =>
    updateSameKey(uid, provider, keyId, (record) =>
      record.state === state ? undefined : { fields: { state, updatedAt: now() }, event: { event: "state_change", outcome: state } },
    );

  /** Records that key `keyId` can never be read again. Best effort: the caller reports KEY_UNREADABLE either way. */
  async function markUnreadable(uid: string, provider: Provider, keyId: string): Promise<void> {
    try {
      await changeState(uid, provider, keyId, "unreadable");
    } catch (error) {
      logs.keyBookkeepingFailed(uid, provider, "mark_unreadable", error);
    }
  }

  /** Decrypts a record just read; one that can never be decrypted again is marked `unreadable` on the way. */
  async function openRecord(uid: string, provider: Provider, record: ApiKeyRecord): Promise<StoredKey> {
    try {
      const apiKey = await openSecret(record.envelope, secretAad(uid, provider), wrapper);
      return {
        apiKey,
        keyId: record.keyId,
        ...(record.dailyLimit === undefined ? {} : { dailyLimit: record.dailyLimit }),
        ...(record.model ? { model: record.model } : {}),
      };
    } catch (error) {
      if (isUnreadableRecordError(error)) await markUnreadable(uid, provider, record.keyId);
      throw error;
    }
  }

  /** The `credit` field to write for a reported credit (checked now), or nothing. */
  const creditFields = (credit: ReportedCredit | undefined): Record<string, unknown> =>
    credit ? { credit: creditDocument({ remaining: credit.remaining, limit: credit.limit, checkedAt: now() }) } : {};
  const creditOf = (credit: ReportedCredit | undefined, at: Date) => (credit ? { credit: { remaining: credit.remaining, limit: credit.limit, checkedAt: at } } : {});

  function statusOf(record: Omit<ApiKeyRecord, "envelope" | "keyId">): ApiKeyStatus {
    const at = now();
    if (isExpired(record, at)) return { provider: record.provider, hasKey: false };
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
      ...(record.expiresAt ? { expiresAt: record.expiresAt.toISOString() } : {}),
      ...(record.dailyLimit === undefined ? {} : { dailyLimit: record.dailyLimit }),
      ...(record.credit
        ? { credit: { remaining: record.credit.remaining, limit: record.credit.limit, checkedAt: record.credit.checkedAt.toISOString() } }
        : {}),
      rotationDue: at.getTime() - record.createdAt.getTime() >= rotationReminderDays() * dayMs,
      model: record.model ?? null,
      ...(options.defaultModel ? { defaultModel: options.defaultModel(record.provider) } : {}),
    };
  }

  return {
    storeApiKey: (uid, provider, apiKey, verification, { expiresInDays } = {}) =>
      guarded(uid, provider, "store", async () => {
        // Seal before touching Firestore: a KMS failure leaves the previous record exactly as it was.
        const envelope = await sealSecret(apiKey, secretAad(uid, provider), wrapper);
        const at = now();
        const record: ApiKeyRecord = {
          keyId: randomUUID(),
          provider,
          envelope,
          hint: keyHint(provider, apiKey),
          state: verification.state,
          createdAt: at,
          updatedAt: at,
          verifiedAt: verification.verifiedAt,
          usageCount: 0,
          ...(expiresInDays === undefined ? {} : { expiresAt: new Date(at.getTime() + expiresInDays * dayMs) }),
          ...creditOf(verification.credit, at),
        };
        const ref = apiKeyDoc(db, uid, provider);
        const { event, stored } = await db.runTransaction(async (tx) => {
          const previous = await tx.get(ref);
          const event: AuditEvent = { event: "set", outcome: previous.exists ? "replaced" : "stored", state: record.state };
          // The user's daily limit is theirs, not the key's: a replaced key keeps it.
          const dailyLimit = previous.exists ? fromDocument(previous.data()!).dailyLimit : undefined;
          const stored = dailyLimit === undefined ? record : { ...record, dailyLimit };
          tx.set(ref, toDocument(stored));
          tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, at));
          return { event, stored };
        });
        logs.keyEvent(uid, provider, event);
        return statusOf(stored);
      }),

    removeApiKey: (uid, provider) =>
      guarded(uid, provider, "remove", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        const event: AuditEvent = { event: "remove", outcome: "removed" };
        // One commit, no read: the delete applies only if there is a record, and its audit event with it.
        // Nothing to remove changes nothing, so it leaves no audit document (a log line only).
        const removed = await db
          .batch()
          .delete(ref, { exists: true })
          .create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()))
          .commit()
          .then(
            () => true,
            (error: unknown) => {
              if ((error as { code?: number })?.code === grpcNotFound) return false;
              throw error;
            },
          );
        logs.keyEvent(uid, provider, removed ? event : { event: "remove", outcome: "absent" });
        return removed;
      }),

    removeAllApiKeys: async (uid) => {
      const removed = await guarded(uid, "all", "remove_all", () =>
        db.runTransaction(async (tx) => {
          const records = await tx.get(userKeysDoc(db, uid).collection("providers"));
          const at = now();
          for (const record of records.docs) {
            tx.delete(record.ref);
            tx.create(db.collection(auditCollection).doc(), auditDocument(uid, record.id as Provider, { event: "remove", outcome: "removed" }, at));
          }
          return records.docs.map((record) => record.id as Provider);
        }),
      );
      for (const provider of removed) logs.keyEvent(uid, provider, { event: "remove", outcome: "removed" });
      return providers.filter((provider) => removed.includes(provider));
    },

    status: (uid, provider) =>
      guarded(uid, provider, "status", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        return snapshot.exists ? statusOf(fromDocument(snapshot.data()!)) : { provider, hasKey: false };
      }),

    statuses: (uid) =>
      guarded(uid, "all", "statuses", async () => {
        const root = userKeysDoc(db, uid);
        const [settings, records] = await Promise.all([root.get(), root.collection("providers").get()]);
        const byProvider = new Map(records.docs.map((record) => [record.id, fromDocument(record.data())]));
        return {
          statuses: providers.map((provider) => {
            const record = byProvider.get(provider);
            return record ? statusOf(record) : { provider, hasKey: false };
          }),
          preferredProvider: userKeySettingsOf(settings.data()).preferredProvider,
        };
      }),

    setPreferredProvider: (uid, provider) =>
      guarded(uid, "all", "set_preferred_provider", async () => {
        const root = userKeysDoc(db, uid);
        await db.runTransaction(async (tx) => {
          const current = userKeySettingsOf((await tx.get(root)).data()).preferredProvider;
          if (current !== provider) tx.set(root, { preferredProvider: provider }, { merge: true });
        });
        return provider;
      }),

    setDailyLimit: (uid, provider, dailyLimit) =>
      guarded(uid, provider, "set_daily_limit", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        return db.runTransaction(async (tx) => {
          const snapshot = await tx.get(ref);
          if (!snapshot.exists) return null;
          const record = fromDocument(snapshot.data()!);
          if (isExpired(record, now())) return null; // treated as removed
          if ((record.dailyLimit ?? null) === dailyLimit) return statusOf(record);
          tx.update(ref, { dailyLimit });
          return statusOf({ ...record, dailyLimit: dailyLimit ?? undefined });
        });
      }),

    readApiKey: (uid, provider, gate) =>
      guarded(uid, provider, "read", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        await gate?.decryptAfter;
        if (!snapshot.exists) return null;
        const record = fromDocument(snapshot.data()!);
        rememberRead(lastReadKey(uid, provider, record.keyId), { updateTime: snapshot.updateTime!, state: record.state });
        if (isExpired(record, now())) {
          // Refused exactly like a removed key; deleting it now is what the scheduled cleanup would do later.
          await expireIfDue(db, uid, provider, record.keyId, now());
          return null;
        }
        return openRecord(uid, provider, record);
      }),

    readPreferredApiKey: (uid, gate) =>
      guarded(uid, "all", "read_preferred", async () => {
        const root = userKeysDoc(db, uid);
        const [settings, snapshots] = await Promise.all([root.get(), root.collection("providers").get()]);
        await gate?.decryptAfter;
        const at = now();
        const records = new Map<Provider, ApiKeyRecord>();
        const updateTimes = new Map<Provider, Timestamp>();
        for (const snapshot of snapshots.docs) {
          const record = fromDocument(snapshot.data());
          // An expired key is no key; its deletion is left to the scheduled cleanup (or the next direct read).
          if (isExpired(record, at)) continue;
          records.set(snapshot.id as Provider, record);
          updateTimes.set(snapshot.id as Provider, snapshot.updateTime);
        }
        const { preferredProvider } = userKeySettingsOf(settings.data());
        const order = preferredProvider ? [preferredProvider, ...providers.filter((provider) => provider !== preferredProvider)] : [...providers];
        const withKey = order.filter((provider) => records.has(provider));
        const chosen = withKey.find((provider) => usableStates.has(records.get(provider)!.state)) ?? withKey[0];
        if (!chosen) return null;
        const record = records.get(chosen)!;
        // As readApiKey does: a successful use is then recorded in one conditioned write (recordUseAsLastRead).
        rememberRead(lastReadKey(uid, chosen, record.keyId), { updateTime: updateTimes.get(chosen)!, state: record.state });
        const stored = await guarded(uid, chosen, "read", () => openRecord(uid, chosen, record));
        return { provider: chosen, ...stored };
      }),

    markState: (uid, provider, keyId, state) =>
      guarded(uid, provider, "mark_state", async () => {
        await changeState(uid, provider, keyId, state);
      }),

    recordFailedUse: (uid, provider, keyId, verdict, credit) =>
      guarded(uid, provider, "record_failed_use", async () => {
        const state = stateForVerdict[verdict];
        await updateSameKey(uid, provider, keyId, () => ({
          fields: { state, updatedAt: now(), ...creditFields(credit) },
          event: { event: "use", outcome: verdict, state },
        }));
      }),

    recordUse: (uid, provider, keyId, credit) =>
      guarded(uid, provider, "record_use", async () => {
        if (await recordUseAsLastRead(uid, provider, keyId, creditFields(credit))) return;
        await updateSameKey(uid, provider, keyId, (record) => ({
          fields: { lastUsedAt: now(), usageCount: FieldValue.increment(1), state: "active", ...creditFields(credit) },
          ...(record.state === "active" ? {} : { event: { event: "state_change", outcome: "active" } satisfies KeyEvent }),
        }));
      }),

    recordVerification: (uid, provider, keyId, verdict, credit) =>
      guarded(uid, provider, "record_verification", async () => {
        const state = stateForVerdict[verdict];
        const at = now();
        const record = await updateSameKey(uid, provider, keyId, () => ({
          fields: { state, verifiedAt: at, updatedAt: at, ...creditFields(credit) },
          event: { event: "verify", outcome: verdict, state },
        }));
        // updateSameKey merges the fields as written; the credit is read back as a record's, with its time.
        return record ? statusOf({ ...record, ...creditOf(credit, at) }) : { provider, hasKey: false };
      }),

    activity: (uid, provider, limit) =>
      guarded(uid, provider, "activity", async () => {
        const page = await db
          .collection(auditCollection)
          .where("uid", "==", uid)
          .where("provider", "==", provider)
          .orderBy("at", "desc")
          .limit(limit)
          .get();
        return page.docs.map((snapshot) => activityOf(snapshot.data()));
      }),

    audit,
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
