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
type Duration = protos.google.protobuf.IDuration;

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

  /** The scheduled destructions whose time has come happen before any call looks at a version. */
  const settle = () => store.destroyDueVersions(new Date());

  return {
    async Encrypt(request: EncryptRequest): Promise<EncryptResponse> {
      await settle();
      const version = requireEnabled(encryptionVersion(request.name));
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
      await settle();
      const cryptoKey = requireCryptoKey(request.name);
      const ciphertext = toBuffer(request.ciphertext);
      const aad = requireSize(toBuffer(request.additionalAuthenticatedData), "additional_authenticated_data");
      verifyChecksum(request.ciphertextCrc32c, ciphertext, "ciphertext");
      verifyChecksum(request.additionalAuthenticatedDataCrc32c, aad, "additional_authenticated_data");
      // A ciphertext of another key is indistinguishable from a corrupt one, as in real KMS.
      const versionName = ciphertextVersionName(ciphertext);
      const version = cryptoKey.versions.find((v) => v.name === versionName);
      // As in real KMS, a ciphertext of a version that is not ENABLED fails FAILED_PRECONDITION, naming the state.
      const plaintext = version && openCiphertext(ciphertext, requireEnabled(version).keyMaterial, aad);
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
      await settle();
      return cryptoKeyMessage(requireCryptoKey(request.name));
    },

    async GetCryptoKeyVersion(request: protos.google.cloud.kms.v1.IGetCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      await settle();
      return cryptoKeyVersionMessage(requireVersion(request.name).version);
    },

    /** Returns every version in one page; the client's auto-pagination stops at the empty token. */
    async ListCryptoKeyVersions(
      request: protos.google.cloud.kms.v1.IListCryptoKeyVersionsRequest,
    ): Promise<protos.google.cloud.kms.v1.IListCryptoKeyVersionsResponse> {
      await settle();
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
      const destroyScheduledDurationMs = durationMs(request.cryptoKey.destroyScheduledDuration);
      const cryptoKey = await store.createCryptoKey(name, {
        initialVersion: !request.skipInitialVersionCreation,
        ...(destroyScheduledDurationMs === undefined ? {} : { destroyScheduledDurationMs }),
      });
      return cryptoKeyMessage(cryptoKey);
    },

    async CreateCryptoKeyVersion(request: protos.google.cloud.kms.v1.ICreateCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      const cryptoKey = requireCryptoKey(request.parent, "parent");
      return cryptoKeyVersionMessage(await store.createCryptoKeyVersion(cryptoKey));
    },

    async UpdateCryptoKeyPrimaryVersion(
      request: protos.google.cloud.kms.v1.IUpdateCryptoKeyPrimaryVersionRequest,
    ): Promise<CryptoKey> {
      await settle();
      const cryptoKey = requireCryptoKey(request.name);
      const { version } = requireVersion(`${cryptoKey.name}/cryptoKeyVersions/${request.cryptoKeyVersionId ?? ""}`);
      await store.setPrimaryVersion(cryptoKey, requireEnabled(version).name);
      return cryptoKeyMessage(cryptoKey);
    },

    /** Only `state`, and only between ENABLED and DISABLED, as the real method documents; destroy and restore do the rest. */
    async UpdateCryptoKeyVersion(request: protos.google.cloud.kms.v1.IUpdateCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      await settle();
      const { version } = requireVersion(request.cryptoKeyVersion?.name);
      const paths = request.updateMask?.paths ?? [];
      if (paths.length === 0) throw new KmsError(status.INVALID_ARGUMENT, "The update_mask must name at least one field.");
      if (paths.some((field) => field !== "state")) {
        throw new KmsError(status.INVALID_ARGUMENT, `The local KMS can update only the state of a CryptoKeyVersion, not: ${paths.join(", ")}.`);
      }
      const state = request.cryptoKeyVersion?.state;
      if (state !== "ENABLED" && state !== "DISABLED") {
        throw new KmsError(status.INVALID_ARGUMENT, `A CryptoKeyVersion's state can be updated only to ENABLED or DISABLED, not ${String(state)}.`);
      }
      if (version.state !== "ENABLED" && version.state !== "DISABLED") {
        throw new KmsError(status.FAILED_PRECONDITION, `${version.name} is in state ${version.state}; only ENABLED or DISABLED versions can be updated.`);
      }
      await store.setVersionState(version, state);
      return cryptoKeyVersionMessage(version);
    },

    async DestroyCryptoKeyVersion(request: protos.google.cloud.kms.v1.IDestroyCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      await settle();
      const { cryptoKey, version } = requireVersion(request.name);
      if (version.state !== "ENABLED" && version.state !== "DISABLED") {
        throw new KmsError(status.FAILED_PRECONDITION, `${version.name} is in state ${version.state}; only ENABLED or DISABLED versions can be scheduled for destruction.`);
      }
      await store.scheduleDestruction(cryptoKey, version, new Date());
      return cryptoKeyVersionMessage(version);
    },

    async RestoreCryptoKeyVersion(request: protos.google.cloud.kms.v1.IRestoreCryptoKeyVersionRequest): Promise<CryptoKeyVersion> {
      await settle();
      const { version } = requireVersion(request.name);
      if (version.state !== "DESTROY_SCHEDULED") {
        throw new KmsError(status.FAILED_PRECONDITION, `${version.name} is in state ${version.state}; only a DESTROY_SCHEDULED version can be restored.`);
      }
      await store.setVersionState(version, "DISABLED");
      return cryptoKeyVersionMessage(version);
    },
  };
}

/**
 * A version that may be used, with its key material. Real KMS refuses any other with FAILED_PRECONDITION
 * "<name> is not enabled, current state is: <STATE>." — which is how a caller tells a disabled or destroyed
 * version (lasting) from an outage (UNAVAILABLE).
 */
function requireEnabled(version: CryptoKeyVersionRecord): CryptoKeyVersionRecord & { keyMaterial: Buffer } {
  if (version.state !== "ENABLED" || !version.keyMaterial) {
    throw new KmsError(status.FAILED_PRECONDITION, `${version.name} is not enabled, current state is: ${version.state}.`);
  }
  return version as CryptoKeyVersionRecord & { keyMaterial: Buffer };
}

function durationMs(duration: Duration | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) * 1000 + Math.floor((duration.nanos ?? 0) / 1_000_000);
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
    state: version.state,
    protectionLevel: "SOFTWARE",
    algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
    createTime: timestamp(version.createTime),
    generateTime: timestamp(version.createTime),
    ...(version.destroyTime ? { destroyTime: timestamp(version.destroyTime) } : {}),
    ...(version.destroyEventTime ? { destroyEventTime: timestamp(version.destroyEventTime) } : {}),
  };
}

function cryptoKeyMessage(cryptoKey: CryptoKeyRecord): CryptoKey {
  const primary = cryptoKey.versions.find((v) => v.name === cryptoKey.primaryVersionName);
  return {
    name: cryptoKey.name,
    primary: primary && cryptoKeyVersionMessage(primary),
    purpose: "ENCRYPT_DECRYPT",
    createTime: timestamp(cryptoKey.createTime),
    destroyScheduledDuration: {
      seconds: Math.floor(cryptoKey.destroyScheduledDurationMs / 1000),
      nanos: (cryptoKey.destroyScheduledDurationMs % 1000) * 1_000_000,
    },
    versionTemplate: { protectionLevel: "SOFTWARE", algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION" },
  };
}
