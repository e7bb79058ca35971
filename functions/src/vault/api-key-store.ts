import { FieldValue, Timestamp, type DocumentData, type Firestore } from "firebase-admin/firestore";
import type { KeyState } from "../contract";
import type { Provider } from "../providers";
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
  /** The user's own limit on AI calls a UTC day with their key; kept when the key is replaced. */
  dailyLimit?: number;
}

/** Key events for the audit trail. Outcomes, ids and times only: never key material. */
export type AuditEvent =
  | { event: "set"; outcome: "stored" | "replaced" | "rejected_format" | "rejected_by_provider" | "model_unavailable" | "provider_unreachable" | "store_failed"; state?: KeyState }
  | { event: "remove"; outcome: "removed" | "absent" }
  | { event: "state_change"; outcome: KeyState };

export const auditCollection = "apiKeyAudit";

export function apiKeyDoc(db: Firestore, uid: string, provider: Provider) {
  return db.collection("apiKeys").doc(uid).collection("providers").doc(provider);
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
    dailyLimit: record.dailyLimit ?? null,
  };
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
  dailyLimit?: number | null;
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
    ...(typeof data.dailyLimit === "number" ? { dailyLimit: data.dailyLimit } : {}),
  };
}

export function auditDocument(uid: string, provider: Provider, event: AuditEvent): DocumentData {
  return { uid, provider, ...event, at: FieldValue.serverTimestamp() };
}

function toDate(value: unknown): Date | undefined {
  return value instanceof Timestamp ? value.toDate() : undefined;
}
