import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Provider } from "../providers";

/**
 * Envelope encryption of one secret: a fresh random AES-256-GCM data key encrypts it, and a key
 * encryption service (Cloud KMS) wraps the data key. Pure apart from the injected wrapper, so it is
 * unit-tested without a network.
 */

export const envelopeFormatVersion = 1;
export const envelopeAlgorithm = "AES-256-GCM";

export interface Envelope {
  formatVersion: typeof envelopeFormatVersion;
  algorithm: typeof envelopeAlgorithm;
  /** Full cryptoKeyVersion name that wrapped the data key (tells rotation which records are old). */
  kmsKeyVersion: string;
  wrappedDataKey: Buffer;
  iv: Buffer;
  /** AES-GCM ciphertext followed by its 16-byte tag. */
  ciphertext: Buffer;
}

/** Wraps and unwraps data keys; both calls authenticate `aad`, so a wrapped key only opens for its owner. */
export interface DataKeyWrapper {
  wrap(dataKey: Buffer, aad: Buffer): Promise<{ wrappedDataKey: Buffer; kmsKeyVersion: string }>;
  unwrap(wrappedDataKey: Buffer, aad: Buffer): Promise<Buffer>;
}

/** Raised when a record does not authenticate: tampered, or copied from another user's document. */
export class EnvelopeIntegrityError extends Error {
  constructor() {
    super("The stored secret failed authentication.");
    this.name = "EnvelopeIntegrityError";
  }
}

/**
 * The key that wrapped a data key can no longer unwrap it: in Cloud KMS, its version is disabled or
 * destroyed (FAILED_PRECONDITION). Lasting, unlike an outage, so the record counts as unreadable.
 */
export class WrappingKeyUnusableError extends Error {
  constructor() {
    super("The key version that wrapped this data key is not enabled.");
    this.name = "WrappingKeyUnusableError";
  }
}

/** Whether a failure to open a record is lasting: the record will never decrypt as it is. */
export function isUnreadableRecordError(error: unknown): error is EnvelopeIntegrityError | WrappingKeyUnusableError {
  return error instanceof EnvelopeIntegrityError || error instanceof WrappingKeyUnusableError;
}

const ivLength = 12;
const tagLength = 16;

/**
 * Additional authenticated data binding a record to its owner and provider. It is not stored: it is
 * rebuilt from the document's path, so a record moved to another path no longer decrypts.
 */
export function secretAad(uid: string, provider: Provider): Buffer {
  return Buffer.from(`interview-ai/api-key/v${envelopeFormatVersion}/${provider}/${uid}`, "utf8");
}

export async function sealSecret(plaintext: string, aad: Buffer, wrapper: DataKeyWrapper): Promise<Envelope> {
  const dataKey = randomBytes(32);
  try {
    const iv = randomBytes(ivLength);
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: tagLength });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    const { wrappedDataKey, kmsKeyVersion } = await wrapper.wrap(dataKey, aad);
    return { formatVersion: envelopeFormatVersion, algorithm: envelopeAlgorithm, kmsKeyVersion, wrappedDataKey, iv, ciphertext };
  } finally {
    dataKey.fill(0);
  }
}

export async function openSecret(envelope: Envelope, aad: Buffer, wrapper: DataKeyWrapper): Promise<string> {
  if (envelope.formatVersion !== envelopeFormatVersion || envelope.algorithm !== envelopeAlgorithm) {
    throw new EnvelopeIntegrityError();
  }
  if (envelope.iv.length !== ivLength || envelope.ciphertext.length < tagLength) throw new EnvelopeIntegrityError();
  const dataKey = await wrapper.unwrap(envelope.wrappedDataKey, aad);
  try {
    const decipher = createDecipheriv("aes-256-gcm", dataKey, envelope.iv, { authTagLength: tagLength });
    decipher.setAAD(aad);
    decipher.setAuthTag(envelope.ciphertext.subarray(-tagLength));
    return Buffer.concat([decipher.update(envelope.ciphertext.subarray(0, -tagLength)), decipher.final()]).toString("utf8");
  } catch {
    throw new EnvelopeIntegrityError();
  } finally {
    dataKey.fill(0);
  }
}
