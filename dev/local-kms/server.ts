import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FaultInjector, type Fault } from "./faults";
import { KeyStore } from "./key-store";
import { createKmsService, KmsError, type KmsMethod } from "./kms-service";
import { isResourceName, parentName } from "./resource-names";

export type { Fault } from "./faults";
export type { KmsMethod } from "./kms-service";

export interface LocalKmsOptions {
  /** Interface to listen on; defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Directory for the key material, so a restart still decrypts old ciphertexts; omitted = memory only. */
  dataDir?: string;
}

export interface LocalKms {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value for KMS_EMULATOR_HOST. */
  readonly address: string;
  /** Creates the key ring and the key (one ENABLED primary version 1) unless they exist. */
  ensureCryptoKey(cryptoKeyName: string): Promise<void>;
  /** Adds a version, makes it primary and returns its full cryptoKeyVersion name. */
  rotate(cryptoKeyName: string): Promise<string>;
  /**
   * Lets a DESTROY_SCHEDULED version reach its destroy time now (real KMS waits the key's
   * destroy_scheduled_duration, 30 days by default): it becomes DESTROYED and its key material is gone.
   */
  completeScheduledDestruction(versionName: string): Promise<void>;
  /** Makes matching calls fail with `code` and/or wait `delayMs` first. */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** gRPC calls received for `method` ("*" = all methods), including those answered by a fault. */
  callCount(method: KmsMethod | "*"): number;
  /** Stops accepting calls, lets calls in flight finish, then closes the port. */
  stop(): Promise<void>;
}

/**
 * Starts a gRPC server speaking google.cloud.kms.v1.KeyManagementService, so the official
 * `@google-cloud/kms` client works against it unchanged (plaintext gRPC, no Google credentials).
 */
export async function startLocalKms(options: LocalKmsOptions): Promise<LocalKms> {
  const host = options.host ?? "127.0.0.1";
  const store = await KeyStore.open(options.dataDir);
  const service = createKmsService(store);
  const faults = new FaultInjector();
  const callCounts = new Map<KmsMethod, number>();

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(service) as KmsMethod[]) {
    const handle = service[method].bind(service) as (request: unknown) => Promise<object>;
    implementation[method] = (call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => {
      callCounts.set(method, (callCounts.get(method) ?? 0) + 1);
      const answer = async () => {
        const fault = faults.take(method);
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.code !== undefined) throw new KmsError(fault.code, `Injected fault: ${grpc.status[fault.code]}.`);
        return handle(call.request);
      };
      answer().then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(method, error)),
      );
    };
  }

  const server = new grpc.Server();
  server.addService(loadKmsServiceDefinition(), implementation);
  const bindHost = host.includes(":") ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${bindHost}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    ),
  );

  return {
    host,
    port,
    address: `${bindHost}:${port}`,

    async ensureCryptoKey(cryptoKeyName) {
      if (!isResourceName("cryptoKey", cryptoKeyName)) throw new Error(`Not a cryptoKey name: ${cryptoKeyName}`);
      const keyRingName = parentName(cryptoKeyName);
      if (!store.keyRing(keyRingName)) await store.createKeyRing(keyRingName);
      if (!store.cryptoKey(cryptoKeyName)) await store.createCryptoKey(cryptoKeyName, { initialVersion: true });
    },

    async rotate(cryptoKeyName) {
      const cryptoKey = store.cryptoKey(cryptoKeyName);
      if (!cryptoKey) throw new Error(`CryptoKey ${cryptoKeyName} not found.`);
      const version = await store.createCryptoKeyVersion(cryptoKey);
      await store.setPrimaryVersion(cryptoKey, version.name);
      return version.name;
    },

    async completeScheduledDestruction(versionName) {
      const version = store.cryptoKey(parentName(versionName))?.versions.find((v) => v.name === versionName);
      if (version?.state !== "DESTROY_SCHEDULED") throw new Error(`${versionName} is not scheduled for destruction.`);
      await store.destroyNow(version, new Date());
    },

    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),

    callCount(method) {
      if (method !== "*") return callCounts.get(method) ?? 0;
      return [...callCounts.values()].reduce((sum, count) => sum + count, 0);
    },

    stop: () => new Promise<void>((resolve, reject) => server.tryShutdown((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * The service definition from the .proto files that ship with @google-cloud/kms; its google/api and
 * google/longrunning imports resolve from the google-gax copy that @google-cloud/kms itself depends on.
 */
function loadKmsServiceDefinition(): grpc.ServiceDefinition {
  const kmsRoot = path.dirname(require.resolve("@google-cloud/kms/package.json"));
  const gaxEntry = require.resolve("google-gax", { paths: [kmsRoot] });
  const packageDefinition = protoLoader.loadSync("google/cloud/kms/v1/service.proto", {
    includeDirs: [path.join(kmsRoot, "build/protos"), path.resolve(path.dirname(gaxEntry), "../protos")],
    // The checksums are uint32 values in int64 fields: numbers are exact and simplest to compare.
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  return packageDefinition["google.cloud.kms.v1.KeyManagementService"] as grpc.ServiceDefinition;
}

function toServiceError(method: KmsMethod, error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof KmsError) return { code: error.code, details: error.message };
  // Anything else is a bug in the local KMS; log it so the test run shows more than INTERNAL.
  console.error(`local-kms: ${method} failed unexpectedly`, error);
  return { code: grpc.status.INTERNAL, details: `Local KMS error in ${method}.` };
}
