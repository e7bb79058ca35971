import { FieldValue, Timestamp, type DocumentData, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import type { KeyActivityEvent, KeyEvent, KeyState } from "../contract";
import { isProvider, type Provider } from "../providers";
import type { Envelope } from "./envelope";

/**
 * Firestore shapes of the vault: the only file that knows them. Both collections are closed to every
 * client by firestore.rules; only the functions (Admin SDK) read or write them.
 */

export type { KeyState } from "../contract";

export interface ApiKeyRecord {
  /** Random id of this stored key, new on every set: status updates from a call made with a key apply to that key only. */
  keyId: string;
  provider: Provider;
  envelope: Envelope;
  /** "AQ.…abcd": what the user may see of the key. */
  hint: string;
  state: KeyState;
  createdAt: Date;
  updatedAt: Date;
  verifiedAt?: Date;
  lastUsedAt?: Date;
  usageCount: number;
  /** When the key stops being usable, as its owner chose at save time; absent = never. */
  expiresAt?: Date;
  /** The user's own limit on AI calls a UTC day with their key; kept when the key is replaced. */
  dailyLimit?: number;
  /** The key's credit as its provider last reported it (OpenRouter), never the key: figures and a time. */
  credit?: StoredCredit;
  /**
   * The model the owner chose for this key (`setModel`); absent: the operator's default. It lives on the
   * record, so a replaced key (a new record, written whole) starts without it.
   */
  model?: string;
}

/** What is left of a key's credit limit and the limit (null: none), as reported at `checkedAt`. */
export interface StoredCredit {
  remaining: number | null;
  limit: number | null;
  checkedAt: Date;
}

/** Key events for the audit trail (the vocabulary is the contract's). Outcomes, ids and times only: never key material. */
export type AuditEvent = KeyEvent;

export const auditCollection = "apiKeyAudit";

/**
 * How long an audit event is kept: a Firestore TTL policy on `expireAt` (firestore.indexes.json) deletes
 * it afterwards. Thirteen months cover a yearly review with a month to spare, and outlast the longest
 * key expiry a user can choose (365 days), so a key's whole life can be traced; older events about a
 * user's key serve no purpose that would justify keeping them.
 */
export const auditRetentionDays = 400;

export function apiKeyDoc(db: Firestore, uid: string, provider: Provider) {
  return db.collection("apiKeys").doc(uid).collection("providers").doc(provider);
}

/** Every user's key records, as one collection group (the re-wrap job and the expiry cleanup scan it). */
export const apiKeyCollectionGroup = "providers";

/** All of one user's key records: `apiKeys/{uid}` and everything under it. */
export function userKeysDoc(db: Firestore, uid: string) {
  return db.collection("apiKeys").doc(uid);
}

/** What the user chose that is not a key, kept on `apiKeys/{uid}` itself (deleted with the account's key data). */
export interface UserKeySettings {
  /** The provider AI calls use when they name none; absent: the first provider with a usable key. */
  preferredProvider: Provider | null;
}

export function userKeySettingsOf(document: DocumentData | undefined): UserKeySettings {
  const preferred: unknown = document?.preferredProvider;
  return { preferredProvider: isProvider(preferred) ? preferred : null };
}

/** Whose record a document of the collection group is, read back from its path `apiKeys/{uid}/providers/{provider}`. */
export function ownerOf(ref: DocumentReference): { uid: string; provider: Provider } {
  return { uid: ref.parent.parent!.id, provider: ref.id as Provider };
}

export function toDocument(record: ApiKeyRecord): DocumentData {
  const { envelope } = record;
  return {
    keyId: record.keyId,
    provider: record.provider,
    envelope: {
      formatVersion: envelope.formatVersion,
      algorithm: envelope.algorithm,
      kmsKeyVersion: envelope.kmsKeyVersion,
      wrappedDataKey: envelope.wrappedDataKey,
      iv: envelope.iv,
      ciphertext: envelope.ciphertext,
    },
    hint: record.hint,
    state: record.state,
    createdAt: Timestamp.fromDate(record.createdAt),
    updatedAt: Timestamp.fromDate(record.updatedAt),
    verifiedAt: record.verifiedAt ? Timestamp.fromDate(record.verifiedAt) : null,
    lastUsedAt: record.lastUsedAt ? Timestamp.fromDate(record.lastUsedAt) : null,
    usageCount: record.usageCount,
    expiresAt: record.expiresAt ? Timestamp.fromDate(record.expiresAt) : null,
    dailyLimit: record.dailyLimit ?? null,
    credit: record.credit ? creditDocument(record.credit) : null,
    ...(record.model ? { model: record.model } : {}),
  };
}

/** The `credit` field as stored: the figures and a Timestamp. */
export function creditDocument(credit: StoredCredit): DocumentData {
  return { remaining: credit.remaining, limit: credit.limit, checkedAt: Timestamp.fromDate(credit.checkedAt) };
}

/** What toDocument wrote, as Firestore hands it back: bytes as Uint8Array, times as Timestamp (or null). */
interface StoredApiKeyDocument {
  keyId: string;
  provider: Provider;
  envelope: Omit<Envelope, "wrappedDataKey" | "iv" | "ciphertext"> & { wrappedDataKey: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array };
  hint: string;
  state: KeyState;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  verifiedAt: Timestamp | null;
  lastUsedAt: Timestamp | null;
  usageCount?: number;
  /** Absent on records stored before keys could expire. */
  expiresAt?: Timestamp | null;
  dailyLimit?: number | null;
  /** Absent on records stored before credit was kept, and on other providers' records. */
  credit?: { remaining: number | null; limit: number | null; checkedAt: Timestamp } | null;
  /** Absent until the owner chooses a model, and again after they reset it. */
  model?: string | null;
}

export function fromDocument(document: DocumentData): ApiKeyRecord {
  // Only the functions write these documents (firestore.rules deny every client), always through toDocument.
  const data = document as StoredApiKeyDocument;
  const envelope = data.envelope;
  return {
    keyId: data.keyId,
    provider: data.provider,
    envelope: {
      formatVersion: envelope.formatVersion,
      algorithm: envelope.algorithm,
      kmsKeyVersion: envelope.kmsKeyVersion,
      wrappedDataKey: Buffer.from(envelope.wrappedDataKey),
      iv: Buffer.from(envelope.iv),
      ciphertext: Buffer.from(envelope.ciphertext),
    },
    hint: data.hint,
    state: data.state,
    createdAt: toDate(data.createdAt)!,
    updatedAt: toDate(data.updatedAt)!,
    verifiedAt: toDate(data.verifiedAt),
    lastUsedAt: toDate(data.lastUsedAt),
    usageCount: data.usageCount ?? 0,
    expiresAt: toDate(data.expiresAt),
    ...(typeof data.dailyLimit === "number" ? { dailyLimit: data.dailyLimit } : {}),
    ...(typeof data.model === "string" && data.model ? { model: data.model } : {}),
    ...(data.credit ? { credit: { remaining: data.credit.remaining, limit: data.credit.limit, checkedAt: toDate(data.credit.checkedAt) ?? new Date(0) } } : {}),
  };
}

/** Whether the key has reached the expiry its owner chose: from then on it is treated as removed. */
export function isExpired(record: Pick<ApiKeyRecord, "expiresAt">, at: Date): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= at;
}

export function auditDocument(uid: string, provider: Provider, event: AuditEvent, now: Date): DocumentData {
  return {
    uid,
    provider,
    ...event,
    at: FieldValue.serverTimestamp(),
    expireAt: Timestamp.fromMillis(now.getTime() + auditRetentionDays * 86_400_000),
  };
}

/** An audit document as the owner may see it: when, what, how it ended, and the key's state if recorded. */
export function activityOf(document: DocumentData): KeyActivityEvent {
  // Only the functions write audit documents, always through auditDocument: event and outcome are a KeyEvent's.
  const stored = document as KeyEvent & { at?: Timestamp; state?: KeyState; model?: unknown };
  const at = toDate(stored.at) ?? new Date(0);
  const event = { event: stored.event, outcome: stored.outcome, ...(typeof stored.model === "string" ? { model: stored.model } : {}) } as KeyEvent;
  return { at: at.toISOString(), ...event, ...(stored.state ? { state: stored.state } : {}) };
}

function toDate(value: unknown): Date | undefined {
  return value instanceof Timestamp ? value.toDate() : undefined;
}
