import { FieldValue, type Firestore, type Timestamp } from "firebase-admin/firestore";
import type { ApiKeyStatus } from "../contract";
import { AppError, keyStoreUnavailable, keyUnreadable } from "../errors";
import * as logs from "../logs";
import type { Provider } from "../providers";
import {
  apiKeyDoc,
  auditCollection,
  auditDocument,
  creditDocument,
  fromDocument,
  isExpired,
  type ApiKeyRecord,
  type AuditEvent,
  type KeyState,
} from "./api-key-store";
import { isUnreadableRecordError, type DataKeyWrapper } from "./envelope";
import type { ReportedCredit, SameKeyOutcome, VaultOptions } from "./vault-types";

/**
 * What the vault's parts (reads, writes, usage records, status) share: the Firestore instance, the data-key
 * wrapper, the clock, and the helpers every operation goes through. One context per vault, so the parts
 * share one memory of the last reads.
 */
export interface VaultContext {
  db: Firestore;
  wrapper: DataKeyWrapper;
  now: () => Date;
  /**
   * Runs one store operation on `provider`'s record ("all": on every provider's at once); every failure
   * that is not already an AppError becomes KEY_STORE_UNAVAILABLE.
   */
  guarded: <T>(uid: string, provider: Provider | "all", operation: string, work: () => Promise<T>) => Promise<T>;
  /** Appends an audit event on its own (events that accompany a write are written with it). Best effort. */
  audit: (uid: string, provider: Provider, event: AuditEvent) => Promise<void>;
  /**
   * Updates key `keyId`'s record in one transaction if it is still the stored key: `change` sees the
   * record as stored and returns the fields to set and the event to audit with them (or nothing to do).
   * Resolves to what came of it, decided by the transaction's last attempt (Firestore may run it more
   * than once), and the record as it is afterwards (see recordAfter), absent when there is none. With
   * `expiredIsMissing`, an expired record counts as none (`key_missing`, no record) and is not changed;
   * without it, an expired record is updated like any other.
   */
  updateSameKey: (
    uid: string,
    provider: Provider,
    keyId: string,
    change: (record: ApiKeyRecord) => SameKeyUpdate | undefined,
    options?: { expiredIsMissing?: boolean },
  ) => Promise<SameKeyResult>;
  /** Moves key `keyId` to `state`, auditing `state_change`, if that is a change. */
  changeState: (uid: string, provider: Provider, keyId: string, state: KeyState) => Promise<SameKeyResult>;
  /**
   * The record as a key read last read it, per key: its update time and state. A successful use is then
   * recorded by one write that applies only if the record is still exactly that (a compare-and-set on its
   * update time), which proves it is still key `keyId` without reading it again. Bounded; the least
   * recently used goes first.
   */
  lastReads: LastReads;
  /** The `credit` field to write for a reported credit (checked now), or nothing. */
  creditFields: (credit: ReportedCredit | undefined) => Record<string, unknown>;
  /** A reported credit as a record holds it, checked at `at`, or nothing. */
  creditOf: (credit: ReportedCredit | undefined, at: Date) => Pick<ApiKeyRecord, "credit">;
  /** What the owner may know about a record; an expired key reads as no key. */
  statusOf: (record: Omit<ApiKeyRecord, "envelope" | "keyId">) => ApiKeyStatus;
}

/** The fields an updateSameKey writes (values or Firestore transforms) and the audit event written with them. */
export interface SameKeyUpdate {
  fields: Record<string, unknown>;
  event?: AuditEvent;
}

/** What an updateSameKey came to, and the record as it is afterwards (absent: none, or with `expiredIsMissing` an expired one). */
export interface SameKeyResult {
  outcome: SameKeyOutcome;
  record?: ApiKeyRecord;
}

/**
 * The record as `fields` leave it, without reading it again: a field deleted (`FieldValue.delete()`) is
 * gone, a value replaces the stored one. A field changed by another transform (an increment) keeps the
 * value as read: its result is known only to Firestore.
 */
export function recordAfter(stored: ApiKeyRecord, fields: Record<string, unknown>): ApiKeyRecord {
  const after: Record<string, unknown> = { ...stored };
  for (const [field, value] of Object.entries(fields)) {
    if (value instanceof FieldValue) {
      if (value.isEqual(FieldValue.delete())) delete after[field];
    } else {
      after[field] = value;
    }
  }
  return after as unknown as ApiKeyRecord;
}

/**
 * Runs one store operation on `provider`'s record ("all": on every provider's at once); every failure
 * that is not already an AppError becomes KEY_STORE_UNAVAILABLE (a record that can never be decrypted
 * again: KEY_UNREADABLE), logged once here.
 */
export async function guarded<T>(uid: string, provider: Provider | "all", operation: string, work: () => Promise<T>): Promise<T> {
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

/** A record as last read: enough to condition a write on it being unchanged since. */
export interface LastRead {
  updateTime: Timestamp;
  state: KeyState;
}

export interface LastReads {
  remember: (uid: string, provider: Provider, keyId: string, read: LastRead) => void;
  /** The read remembered for key `keyId`, forgotten on the way (a write conditioned on it changes it). */
  take: (uid: string, provider: Provider, keyId: string) => LastRead | undefined;
}

export const dayMs = 86_400_000;

const lastReadsBound = 1000;

function createLastReads(): LastReads {
  const lastRead = new Map<string, LastRead>();
  const keyOf = (uid: string, provider: Provider, keyId: string) => `${uid}/${provider}/${keyId}`;
  return {
    remember: (uid, provider, keyId, read) => {
      const key = keyOf(uid, provider, keyId);
      lastRead.delete(key);
      lastRead.set(key, read);
      if (lastRead.size > lastReadsBound) lastRead.delete(lastRead.keys().next().value as string);
    },
    take: (uid, provider, keyId) => {
      const key = keyOf(uid, provider, keyId);
      const seen = lastRead.get(key);
      lastRead.delete(key);
      return seen;
    },
  };
}

export function createVaultContext(db: Firestore, wrapper: DataKeyWrapper, options: VaultOptions = {}): VaultContext {
  const now = options.now ?? (() => new Date());
  const rotationReminderDays = options.rotationReminderDays ?? (() => 90);

  async function audit(uid: string, provider: Provider, event: AuditEvent): Promise<void> {
    logs.keyEvent(uid, provider, event);
    try {
      await db.collection(auditCollection).add(auditDocument(uid, provider, event, now()));
    } catch (error) {
      logs.auditWriteFailed(uid, provider, error);
    }
  }

  const updateSameKey: VaultContext["updateSameKey"] = async (uid, provider, keyId, change, { expiredIsMissing = false } = {}) => {
    const ref = apiKeyDoc(db, uid, provider);
    // Everything the caller learns is returned by the attempt that committed, never kept from an earlier one.
    const { event, ...result } = await db.runTransaction(async (tx): Promise<SameKeyResult & { event?: AuditEvent }> => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists) return { outcome: "key_missing" };
      const stored = fromDocument(snapshot.data()!);
      if (expiredIsMissing && isExpired(stored, now())) return { outcome: "key_missing" };
      if (stored.keyId !== keyId) return { outcome: "key_changed", record: stored };
      const update = change(stored);
      if (!update) return { outcome: "unchanged", record: stored };
      tx.update(ref, update.fields);
      if (update.event) tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, update.event, now()));
      return { outcome: "stored", record: recordAfter(stored, update.fields), event: update.event };
    });
    if (event) logs.keyEvent(uid, provider, event);
    return result;
  };

  const changeState: VaultContext["changeState"] = (uid, provider, keyId, state) =>
    updateSameKey(uid, provider, keyId, (record) =>
      record.state === state ? undefined : { fields: { state, updatedAt: now() }, event: { event: "state_change", outcome: state } },
    );

  const creditFields: VaultContext["creditFields"] = (credit) =>
    credit ? { credit: creditDocument({ remaining: credit.remaining, limit: credit.limit, checkedAt: now() }) } : {};
  const creditOf: VaultContext["creditOf"] = (credit, at) =>
    credit ? { credit: { remaining: credit.remaining, limit: credit.limit, checkedAt: at } } : {};

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

  return { db, wrapper, now, guarded, audit, updateSameKey, changeState, lastReads: createLastReads(), creditFields, creditOf, statusOf };
}
