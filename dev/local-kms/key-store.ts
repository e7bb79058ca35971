import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface KeyRingRecord {
  name: string;
  createTime: Date;
}

export interface CryptoKeyVersionRecord {
  name: string;
  createTime: Date;
  /** 32 random bytes: the AES-256-GCM key of this version. */
  keyMaterial: Buffer;
}

export interface CryptoKeyRecord {
  name: string;
  createTime: Date;
  primaryVersionName: string | undefined;
  versions: CryptoKeyVersionRecord[];
}

/** Shape of the JSON file in dataDir. Key material is stored in the clear: this is a dev tool only. */
interface StoredState {
  keyRings: { name: string; createTime: string }[];
  cryptoKeys: {
    name: string;
    createTime: string;
    primaryVersionName?: string;
    versions: { name: string; createTime: string; keyMaterial: string }[];
  }[];
}

const stateFileName = "local-kms.json";

/**
 * Key rings, crypto keys and their versions, optionally persisted to `<dataDir>/local-kms.json`.
 * Mutations change memory synchronously (so check-then-create is race-free on the event loop) and
 * resolve once the new state is on disk.
 */
export class KeyStore {
  private lastWrite: Promise<void> = Promise.resolve();

  private constructor(
    private readonly stateFile: string | undefined,
    private readonly keyRings: Map<string, KeyRingRecord>,
    private readonly cryptoKeys: Map<string, CryptoKeyRecord>,
  ) {}

  /** Loads the state in `dataDir` if there is one; without `dataDir` everything lives in memory. */
  static async open(dataDir?: string): Promise<KeyStore> {
    if (dataDir === undefined) return new KeyStore(undefined, new Map(), new Map());
    await mkdir(dataDir, { recursive: true });
    const stateFile = path.join(dataDir, stateFileName);
    const state = await readState(stateFile);
    return new KeyStore(
      stateFile,
      new Map(state.keyRings.map((k) => [k.name, { name: k.name, createTime: new Date(k.createTime) }])),
      new Map(
        state.cryptoKeys.map((k) => [
          k.name,
          {
            name: k.name,
            createTime: new Date(k.createTime),
            primaryVersionName: k.primaryVersionName,
            versions: k.versions.map((v) => ({
              name: v.name,
              createTime: new Date(v.createTime),
              keyMaterial: Buffer.from(v.keyMaterial, "base64"),
            })),
          },
        ]),
      ),
    );
  }

  keyRing(name: string): KeyRingRecord | undefined {
    return this.keyRings.get(name);
  }

  cryptoKey(name: string): CryptoKeyRecord | undefined {
    return this.cryptoKeys.get(name);
  }

  /** Caller checks that the key ring does not exist yet. */
  async createKeyRing(name: string): Promise<KeyRingRecord> {
    const keyRing = { name, createTime: new Date() };
    this.keyRings.set(name, keyRing);
    await this.persist();
    return keyRing;
  }

  /** Caller checks that the key ring exists and the key does not; with an initial version it becomes primary. */
  async createCryptoKey(name: string, options: { initialVersion: boolean }): Promise<CryptoKeyRecord> {
    const cryptoKey: CryptoKeyRecord = { name, createTime: new Date(), primaryVersionName: undefined, versions: [] };
    if (options.initialVersion) cryptoKey.primaryVersionName = addVersion(cryptoKey).name;
    this.cryptoKeys.set(name, cryptoKey);
    await this.persist();
    return cryptoKey;
  }

  /** Adds an ENABLED version with fresh key material; like real KMS, it does not become primary by itself. */
  async createCryptoKeyVersion(cryptoKey: CryptoKeyRecord): Promise<CryptoKeyVersionRecord> {
    const version = addVersion(cryptoKey);
    await this.persist();
    return version;
  }

  async setPrimaryVersion(cryptoKey: CryptoKeyRecord, versionName: string): Promise<void> {
    cryptoKey.primaryVersionName = versionName;
    await this.persist();
  }

  /** Writes a snapshot of the current state; writes are queued so an older snapshot never lands last. */
  private persist(): Promise<void> {
    const stateFile = this.stateFile;
    if (stateFile === undefined) return Promise.resolve();
    const json = JSON.stringify(this.snapshot(), null, 2);
    const write = this.lastWrite.then(() => writeAtomically(stateFile, json));
    // A failed write is reported to its own caller and must not block the writes queued after it.
    this.lastWrite = write.catch(() => undefined);
    return write;
  }

  private snapshot(): StoredState {
    return {
      keyRings: [...this.keyRings.values()].map((k) => ({ name: k.name, createTime: k.createTime.toISOString() })),
      cryptoKeys: [...this.cryptoKeys.values()].map((k) => ({
        name: k.name,
        createTime: k.createTime.toISOString(),
        primaryVersionName: k.primaryVersionName,
        versions: k.versions.map((v) => ({
          name: v.name,
          createTime: v.createTime.toISOString(),
          keyMaterial: v.keyMaterial.toString("base64"),
        })),
      })),
    };
  }
}

function addVersion(cryptoKey: CryptoKeyRecord): CryptoKeyVersionRecord {
  const version = {
    name: `${cryptoKey.name}/cryptoKeyVersions/${cryptoKey.versions.length + 1}`,
    createTime: new Date(),
    keyMaterial: randomBytes(32),
  };
  cryptoKey.versions.push(version);
  return version;
}

async function readState(stateFile: string): Promise<StoredState> {
  let json: string;
  try {
    json = await readFile(stateFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { keyRings: [], cryptoKeys: [] };
    throw error;
  }
  return JSON.parse(json) as StoredState;
}

/** Temp file + rename: a crash mid-write leaves the previous state file intact, never a torn one. */
async function writeAtomically(file: string, contents: string): Promise<void> {
  const tempFile = `${file}.${process.pid}.tmp`;
  await writeFile(tempFile, contents, { mode: 0o600 });
  await rename(tempFile, file);
}
