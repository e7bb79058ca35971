import { KeyManagementServiceClient } from "@google-cloud/kms";
import { credentials } from "@grpc/grpc-js";
import { loadStackConfig } from "../../dev/stack-config";
import { localKms } from "./hooks";

/**
 * An operator's view of the local KMS the functions use: the official client and the real admin RPCs,
 * to rotate the key and disable, destroy or restore its versions as one would in Cloud KMS.
 */

const keyName = loadStackConfig().kmsKeyName;
let client: KeyManagementServiceClient | undefined;

export function kmsAdmin(): KeyManagementServiceClient {
  const kms = localKms();
  client ??= new KeyManagementServiceClient({
    apiEndpoint: kms.host,
    port: kms.port,
    sslCreds: credentials.createInsecure(),
    universeDomain: "googleapis.com",
  });
  return client;
}

/** The full name of the functions' key's primary version, e.g. `…/cryptoKeys/api-keys/cryptoKeyVersions/3`. */
export async function primaryVersion(): Promise<string> {
  const [cryptoKey] = await kmsAdmin().getCryptoKey({ name: keyName });
  return cryptoKey.primary!.name!;
}

/** Rotates the functions' key as Cloud KMS's rotation schedule does: a new version becomes primary. */
export function rotateFunctionsKey(): Promise<string> {
  return localKms().rotate(keyName);
}

export async function setVersionState(name: string, state: "ENABLED" | "DISABLED"): Promise<void> {
  await kmsAdmin().updateCryptoKeyVersion({ cryptoKeyVersion: { name, state }, updateMask: { paths: ["state"] } });
}

/** Closes the admin client's channel (an open channel keeps the test process alive). */
export async function closeKmsAdmin(): Promise<void> {
  await client?.close();
  client = undefined;
}
