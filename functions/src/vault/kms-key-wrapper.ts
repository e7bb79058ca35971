import type { KeyManagementServiceClient, protos } from "@google-cloud/kms";
import { isLoopbackAddress, kmsEmulatorHost } from "../config";
import { crc32c } from "./crc32c";
import { EnvelopeIntegrityError, WrappingKeyUnusableError, type DataKeyWrapper } from "./envelope";
import type { RewrapKms } from "./rewrap";

/**
 * How long one KMS call may take, the client's own retries of UNAVAILABLE included, before the user is
 * told the store is unavailable (a lasting outage then surfaces as DEADLINE_EXCEEDED).
 */
const kmsCallTimeoutMs = 5_000;

/** The calls of the KMS client this file makes, in their promise form; the real client has them (and more). */
export interface KmsClient {
  encrypt(request: protos.google.cloud.kms.v1.IEncryptRequest, options?: { timeout?: number }): Promise<[protos.google.cloud.kms.v1.IEncryptResponse, ...unknown[]]>;
  decrypt(request: protos.google.cloud.kms.v1.IDecryptRequest, options?: { timeout?: number }): Promise<[protos.google.cloud.kms.v1.IDecryptResponse, ...unknown[]]>;
  getCryptoKey(request: protos.google.cloud.kms.v1.IGetCryptoKeyRequest, options?: { timeout?: number }): Promise<[protos.google.cloud.kms.v1.ICryptoKey, ...unknown[]]>;
  getCryptoKeyVersion(
    request: protos.google.cloud.kms.v1.IGetCryptoKeyVersionRequest,
    options?: { timeout?: number },
  ): Promise<[protos.google.cloud.kms.v1.ICryptoKeyVersion, ...unknown[]]>;
  close(): Promise<void>;
}

/**
 * The production KMS client; with KMS_EMULATOR_HOST set, the same client speaks plaintext gRPC to the
 * local KMS (dev/local-kms), as firebase-admin does for FIRESTORE_EMULATOR_HOST.
 *
 * Created on its first call: @google-cloud/kms (its protos and service descriptors, about 0.2 s of a
 * cold start) is loaded only by an instance that wraps or unwraps a data key. apiKeyStatus, removeApiKey
 * and the other record-only functions never do, and an AI instance loads it while its first call waits
 * on Firestore. A refused KMS_EMULATOR_HOST fails that first call (KEY_STORE_UNAVAILABLE).
 *
 * `localKmsHost` is for a local tool that knows it targets the emulators (dev/keys-rewrap.ts on a demo
 * project): that loopback host:port is used instead of the environment's KMS_EMULATOR_HOST.
 */
export function createKmsClient(options: { localKmsHost?: string } = {}): KmsClient {
  if (options.localKmsHost !== undefined && !isLoopbackAddress(options.localKmsHost)) {
    throw new Error(`A local KMS must be on this machine's loopback, not ${options.localKmsHost}.`);
  }
  let client: Promise<KeyManagementServiceClient> | undefined;
  const loaded = () => (client ??= connect(options.localKmsHost));
  return {
    encrypt: async (request, options) => (await loaded()).encrypt(request, options),
    decrypt: async (request, options) => (await loaded()).decrypt(request, options),
    getCryptoKey: async (request, options) => (await loaded()).getCryptoKey(request, options),
    getCryptoKeyVersion: async (request, options) => (await loaded()).getCryptoKeyVersion(request, options),
    close: async () => {
      if (client) await (await client).close();
    },
  };
}

async function connect(localKmsHost: string | undefined): Promise<KeyManagementServiceClient> {
  const emulatorHost = localKmsHost ?? kmsEmulatorHost();
  const [{ KeyManagementServiceClient }, { grpc }] = await Promise.all([import("@google-cloud/kms"), import("google-gax")]);
  if (!emulatorHost) return new KeyManagementServiceClient();
  const separator = emulatorHost.lastIndexOf(":");
  return new KeyManagementServiceClient({
    apiEndpoint: emulatorHost.slice(0, separator),
    port: Number(emulatorHost.slice(separator + 1)),
    sslCreds: grpc.credentials.createInsecure(),
    // Stated, so the client does not probe the GCE metadata server to learn it.
    universeDomain: "googleapis.com",
  });
}

/** KMS failed or answered something that did not verify: the record store is unavailable, nothing changed. */
export class KmsUnavailableError extends Error {
  constructor(readonly operation: "encrypt" | "decrypt", readonly grpcCode?: number) {
    super(`Cloud KMS ${operation} failed`);
    this.name = "KmsUnavailableError";
  }
}

const grpcInvalidArgument = 3;
const grpcFailedPrecondition = 9;

/**
 * Wraps data keys with Cloud KMS `encrypt`/`decrypt`, checking the CRC32C integrity fields both ways as
 * Google's samples do, so corruption in transit is detected rather than stored.
 */
export function kmsKeyWrapper(client: KmsClient, cryptoKeyName: string): DataKeyWrapper {
  return {
    async wrap(dataKey, aad) {
      const [response] = await client
        .encrypt(
          {
            name: cryptoKeyName,
            plaintext: dataKey,
            plaintextCrc32c: { value: crc32c(dataKey) },
            additionalAuthenticatedData: aad,
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          { timeout: kmsCallTimeoutMs },
        )
        .catch((error: { code?: number }) => {
          throw new KmsUnavailableError("encrypt", error?.code);
        });
      const ciphertext = Buffer.from(response.ciphertext as Uint8Array);
      if (
        !response.verifiedPlaintextCrc32c ||
        !response.verifiedAdditionalAuthenticatedDataCrc32c ||
        Number(response.ciphertextCrc32c?.value) !== crc32c(ciphertext) ||
        !response.name
      ) {
        throw new KmsUnavailableError("encrypt");
      }
      return { wrappedDataKey: ciphertext, kmsKeyVersion: response.name };
    },

    async unwrap(wrappedDataKey, aad) {
      const [response] = await client
        .decrypt(
          {
            name: cryptoKeyName,
            ciphertext: wrappedDataKey,
            ciphertextCrc32c: { value: crc32c(wrappedDataKey) },
            additionalAuthenticatedData: aad,
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          { timeout: kmsCallTimeoutMs },
        )
        .catch((error: { code?: number }) => {
          // KMS answers INVALID_ARGUMENT when the ciphertext does not authenticate with this AAD, and
          // FAILED_PRECONDITION ("… is not enabled, current state is: DISABLED.") when the version that
          // wrapped it is disabled or destroyed. Both last; anything else (UNAVAILABLE, a deadline,
          // PERMISSION_DENIED from a misconfiguration) is an outage that changes nothing.
          if (error?.code === grpcInvalidArgument) throw new EnvelopeIntegrityError();
          if (error?.code === grpcFailedPrecondition) throw new WrappingKeyUnusableError();
          throw new KmsUnavailableError("decrypt", error?.code);
        });
      const plaintext = Buffer.from(response.plaintext as Uint8Array);
      if (Number(response.plaintextCrc32c?.value) !== crc32c(plaintext)) throw new KmsUnavailableError("decrypt");
      return plaintext;
    },
  };
}

/**
 * The full name of the key's primary version, the one Encrypt uses now (`cloudkms.cryptoKeys.get`, in
 * roles/cloudkms.viewer). Only the re-wrap job asks, to tell records that need moving from current ones.
 */
export async function kmsPrimaryVersion(client: KmsClient, cryptoKeyName: string): Promise<string> {
  const [cryptoKey] = await client.getCryptoKey({ name: cryptoKeyName }, { timeout: kmsCallTimeoutMs });
  const primary = cryptoKey.primary?.name;
  if (!primary) throw new Error(`Cloud KMS key ${cryptoKeyName} has no primary version.`);
  return primary;
}

/**
 * A key version's state (`cloudkms.cryptoKeyVersions.get`, in roles/cloudkms.viewer, which only the
 * re-wrap account holds): the re-wrap job asks it of the versions under which records are `unreadable`.
 */
export async function kmsVersionState(client: KmsClient, versionName: string): Promise<string> {
  const [version] = await client.getCryptoKeyVersion({ name: versionName }, { timeout: kmsCallTimeoutMs });
  return String(version.state ?? "STATE_UNSPECIFIED");
}

/** What the re-wrap job needs of Cloud KMS, on `client` and the key `cryptoKeyName`. */
export function rewrapKms(client: KmsClient, cryptoKeyName: string): RewrapKms {
  return {
    wrapper: kmsKeyWrapper(client, cryptoKeyName),
    primaryVersion: () => kmsPrimaryVersion(client, cryptoKeyName),
    versionState: (versionName) => kmsVersionState(client, versionName),
  };
}
