import { status } from "@grpc/grpc-js";
import type { protos } from "@google-cloud/kms";
import { ciphertextVersionName, openCiphertext, sealCiphertext } from "./ciphertext";
import { crc32c } from "../../functions/src/vault/crc32c";
import type { CryptoKeyRecord, CryptoKeyVersionRecord, KeyStore } from "./key-store";
import { isResourceName, parentName, type ResourceKind } from "./resource-names";

type EncryptRequest = protos.google.cloud.kms.v1.IEncryptRequest;
type EncryptResponse = protos.google.cloud.kms.v1.IEncryptResponse;
type DecryptRequest = protos.google.cloud.kms.v1.IDecryptRequest;
type DecryptResponse = protos.google.cloud.kms.v1.IDecryptResponse;
type KeyRing = protos.google.cloud.kms.v1.IKeyRing;
type CryptoKey = protos.google.cloud.kms.v1.ICryptoKey;
type CryptoKeyVersion = protos.google.cloud.kms.v1.ICryptoKeyVersion;
type Int64Value = protos.google.protobuf.IInt64Value;
type Timestamp = protos.google.protobuf.ITimestamp;

/** A failure the RPC answers with this gRPC status and message. */
export class KmsError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = "KmsError";
  }
}

/** Real Cloud KMS limits plaintext and additional authenticated data to 64 KiB each. */
const maxDataBytes = 64 * 1024;

/**
 * The KeyManagementService methods the local KMS implements, as plain async functions over the
 * decoded request messages (camelCase fields, enums as strings, bytes as Buffers).
 */
export function createKmsService(store: KeyStore) {
  function requireName(kind: ResourceKind, name: string | null | undefined, field = "name"): string {
    if (!name || !isResourceName(kind, name)) throw new KmsError(status.INVALID_ARGUMENT, `Invalid ${kind} ${field}: "${name ?? ""}".`);
    return name;
  }

  function requireKeyRing(name: string): void {
    if (!store.keyRing(name)) throw new KmsError(status.NOT_FOUND, `KeyRing ${name} not found.`);
  }

  function requireCryptoKey(name: string | null | undefined, field = "name"): CryptoKeyRecord {
    const cryptoKey = store.cryptoKey(requireName("cryptoKey", name, field));
    if (!cryptoKey) throw new KmsError(status.NOT_FOUND, `CryptoKey ${name} not found.`);
    return cryptoKey;
  }

  function requireVersion(name: string | null | undefined): { cryptoKey: CryptoKeyRecord; version: CryptoKeyVersionRecord } {
    const cryptoKey = requireCryptoKey(parentName(requireName("cryptoKeyVersion", name)));
    const version = cryptoKey.versions.find((v) => v.name === name);
    if (!version) throw new KmsError(status.NOT_FOUND, `CryptoKeyVersion ${name} not found.`);
    return { cryptoKey, version };
  }

  /** Encrypt accepts a cryptoKey name (uses the primary) or a specific cryptoKeyVersion name. */
  function encryptionVersion(name: string | null | undefined): CryptoKeyVersionRecord {
    if (name && isResourceName("cryptoKeyVersion", name)) return requireVersion(name).version;
    const cryptoKey = requireCryptoKey(name);
    const primary = cryptoKey.versions.find((v) => v.name === cryptoKey.primaryVersionName);
    if (!primary) throw new KmsError(status.FAILED_PRECONDITION, `CryptoKey ${cryptoKey.name} has no primary version.`);
    return primary;
  }

  return {
    async Encrypt(request: EncryptRequest): Promise<EncryptResponse> {
      const version = encryptionVersion(request.name);
      const plaintext = requireSize(toBuffer(request.plaintext), "plaintext");
      const aad = requireSize(toBuffer(request.additionalAuthenticatedData), "additional_authenticated_data");
      const verifiedPlaintextCrc32c = verifyChecksum(request.plaintextCrc32c, plaintext, "plaintext");
      const verifiedAadCrc32c = verifyChecksum(request.additionalAuthenticatedDataCrc32c, aad, "additional_authenticated_data");
      const ciphertext = sealCiphertext(version.name, version.keyMaterial, plaintext, aad);
      return {
        name: version.name,
        ciphertext,
        ciphertextCrc32c: { value: crc32c(ciphertext) },
        verifiedPlaintextCrc32c,
        verifiedAdditionalAuthenticatedDataCrc32c: verifiedAadCrc32c,
        protectionLevel: "SOFTWARE",
      };
    },

    async Decrypt(request: DecryptRequest): Promise<DecryptResponse> {
      const cryptoKey = requireCryptoKey(request.name);
      const ciphertext = toBuffer(request.ciphertext);
      const aad = requireSize(toBuffer(request.additionalAuthenticatedData), "additional_authenticated_data");
      verifyChecksum(request.ciphertextCrc32c, ciphertext, "ciphertext");
      verifyChecksum(request.additionalAuthenticatedDataCrc32c, aad, "additional_authenticated_data");
      // A ciphertext of another key is indistinguishable from a corrupt one, as in real KMS.
      const versionName = ciphertextVersionName(ciphertext);
      const version = cryptoKey.versions.find((v) => v.name === versionName);
      const plaintext = version && openCiphertext(ciphertext, version.keyMaterial, aad);
      if (!version || !plaintext) throw new KmsError(status.INVALID_ARGUMENT, "Decryption failed: the ciphertext is invalid.");
      return {
        plaintext,
        plaintextCrc32c: { value: crc32c(plaintext) },
        usedPrimary: version.name === cryptoKey.primaryVersionName,
        protectionLevel: "SOFTWARE",
      };
    },

    async GetKeyRing(request: protos.google.cloud.kms.v1.IGetKeyRingRequest): Promise<KeyRing> {
      const name = requireName("keyRing", request.name);
      const keyRing = store.keyRing(name);
      if (!keyRing) throw new KmsError(status.NOT_FOUND, `KeyRing ${name} not found.`);
      return { name: keyRing.name, createTime: timestamp(keyRing.createTime) };
    },

    async GetCryptoKey(request: protos.google.cloud.kms.v1.IGetCryptoKeyRequest): Promise<CryptoKey> {
      return cryptoKeyMessage(requireCryptoKey(request.name));
    },

    async GetCryptoKeyVersion(request: protos.google.cloud.kms.v1.IGetCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      return cryptoKeyVersionMessage(requireVersion(request.name).version);
    },

    /** Returns every version in one page; the client's auto-pagination stops at the empty token. */
    async ListCryptoKeyVersions(
      request: protos.google.cloud.kms.v1.IListCryptoKeyVersionsRequest,
    ): Promise<protos.google.cloud.kms.v1.IListCryptoKeyVersionsResponse> {
      const cryptoKey = requireCryptoKey(request.parent, "parent");
      return {
        cryptoKeyVersions: cryptoKey.versions.map(cryptoKeyVersionMessage),
        nextPageToken: "",
        totalSize: cryptoKey.versions.length,
      };
    },

    async CreateKeyRing(request: protos.google.cloud.kms.v1.ICreateKeyRingRequest): Promise<KeyRing> {
      const parent = requireName("location", request.parent, "parent");
      const name = `${parent}/keyRings/${requireId(request.keyRingId, "key_ring_id")}`;
      if (store.keyRing(name)) throw new KmsError(status.ALREADY_EXISTS, `KeyRing ${name} already exists.`);
      const keyRing = await store.createKeyRing(name);
      return { name: keyRing.name, createTime: timestamp(keyRing.createTime) };
    },

    async CreateCryptoKey(request: protos.google.cloud.kms.v1.ICreateCryptoKeyRequest): Promise<CryptoKey> {
      const parent = requireName("keyRing", request.parent, "parent");
      const name = `${parent}/cryptoKeys/${requireId(request.cryptoKeyId, "crypto_key_id")}`;
      if (request.cryptoKey?.purpose !== "ENCRYPT_DECRYPT") {
        throw new KmsError(status.INVALID_ARGUMENT, "The local KMS supports only crypto keys with purpose ENCRYPT_DECRYPT.");
      }
      requireKeyRing(parent);
      if (store.cryptoKey(name)) throw new KmsError(status.ALREADY_EXISTS, `CryptoKey ${name} already exists.`);
      const cryptoKey = await store.createCryptoKey(name, { initialVersion: !request.skipInitialVersionCreation });
      return cryptoKeyMessage(cryptoKey);
    },

    async CreateCryptoKeyVersion(request: protos.google.cloud.kms.v1.ICreateCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      const cryptoKey = requireCryptoKey(request.parent, "parent");
      return cryptoKeyVersionMessage(await store.createCryptoKeyVersion(cryptoKey));
    },

    async UpdateCryptoKeyPrimaryVersion(
      request: protos.google.cloud.kms.v1.IUpdateCryptoKeyPrimaryVersionRequest,
    ): Promise<CryptoKey> {
      const cryptoKey = requireCryptoKey(request.name);
      const { version } = requireVersion(`${cryptoKey.name}/cryptoKeyVersions/${request.cryptoKeyVersionId ?? ""}`);
      await store.setPrimaryVersion(cryptoKey, version.name);
      return cryptoKeyMessage(cryptoKey);
    },
  };
}

export type KmsService = ReturnType<typeof createKmsService>;

/** Names of the RPCs the local KMS implements; every other KeyManagementService method answers UNIMPLEMENTED. */
export type KmsMethod = keyof KmsService;

function toBuffer(bytes: Uint8Array | string | null | undefined): Buffer {
  if (typeof bytes === "string") return Buffer.from(bytes, "base64");
  return Buffer.from(bytes ?? new Uint8Array());
}

function requireSize(data: Buffer, field: string): Buffer {
  if (data.length > maxDataBytes) throw new KmsError(status.INVALID_ARGUMENT, `The ${field} must be at most ${maxDataBytes} bytes.`);
  return data;
}

function requireId(id: string | null | undefined, field: string): string {
  if (!id || !isResourceName("resourceId", id)) throw new KmsError(status.INVALID_ARGUMENT, `Invalid ${field}: "${id ?? ""}".`);
  return id;
}

/**
 * Checks an optional `*_crc32c` request field against the data it covers. Returns whether a checksum was
 * present (the response's `verified_*_crc32c`); a mismatch is INVALID_ARGUMENT, as in real KMS.
 */
function verifyChecksum(checksum: Int64Value | null | undefined, data: Buffer, field: string): boolean {
  if (checksum == null) return false;
  if (Number(checksum.value ?? 0) !== crc32c(data)) {
    throw new KmsError(status.INVALID_ARGUMENT, `The checksum in field ${field}_crc32c did not match the data in field ${field}.`);
  }
  return true;
}

function timestamp(date: Date): Timestamp {
  const millis = date.getTime();
  return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
}

function cryptoKeyVersionMessage(version: CryptoKeyVersionRecord): CryptoKeyVersion {
  return {
    name: version.name,
    state: "ENABLED",
    protectionLevel: "SOFTWARE",
    algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
    createTime: timestamp(version.createTime),
    generateTime: timestamp(version.createTime),
  };
}

function cryptoKeyMessage(cryptoKey: CryptoKeyRecord): CryptoKey {
  const primary = cryptoKey.versions.find((v) => v.name === cryptoKey.primaryVersionName);
  return {
    name: cryptoKey.name,
    primary: primary && cryptoKeyVersionMessage(primary),
    purpose: "ENCRYPT_DECRYPT",
    createTime: timestamp(cryptoKey.createTime),
    versionTemplate: { protectionLevel: "SOFTWARE", algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION" },
  };
}
