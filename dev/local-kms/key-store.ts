import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface KeyRingRecord {
  name: string;
  createTime: Date;
}

/** The CryptoKeyVersion states the local KMS models (real KMS has more, for imported and external keys). */
export type CryptoKeyVersionState = "ENABLED" | "DISABLED" | "DESTROY_SCHEDULED" | "DESTROYED";

export interface CryptoKeyVersionRecord {
  name: string;
  createTime: Date;
  state: CryptoKeyVersionState;
  /** 32 random bytes: the AES-256-GCM key of this version; gone once the version is DESTROYED. */
  keyMaterial: Buffer | undefined;
  /** When a DESTROY_SCHEDULED version becomes DESTROYED. */
  destroyTime?: Date;
  /** When it did. */
  destroyEventTime?: Date;
}

export interface CryptoKeyRecord {
  name: string;
  createTime: Date;
  primaryVersionName: string | undefined;
  versions: CryptoKeyVersionRecord[];
  /** How long a version stays DESTROY_SCHEDULED before its material is destroyed (real KMS: 30 days unless set at creation). */
  destroyScheduledDurationMs: number;
}

/** Real Cloud KMS's default scheduled-for-destruction duration. */
export const defaultDestroyScheduledDurationMs = 30 * 24 * 3600 * 1000;

/** Shape of the JSON file in dataDir. Key material is stored in the clear: this is a dev tool only. */
interface StoredState {
  keyRings: { name: string; createTime: string }[];
  cryptoKeys: {
    name: string;
    createTime: string;
    primaryVersionName?: string;
    /** Absent in state files written before versions had states: the default. */
    destroyScheduledDurationMs?: number;
    versions: {
      name: string;
      createTime: string;
      /** Absent once destroyed. */
      keyMaterial?: string;
      /** Absent in older state files: ENABLED. */
      state?: CryptoKeyVersionState;
      destroyTime?: string;
      destroyEventTime?: string;
    }[];
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
            destroyScheduledDurationMs: k.destroyScheduledDurationMs ?? defaultDestroyScheduledDurationMs,
            versions: k.versions.map((v) => ({
              name: v.name,
              createTime: new Date(v.createTime),
              state: v.state ?? "ENABLED",
              keyMaterial: v.keyMaterial === undefined ? undefined : Buffer.from(v.keyMaterial, "base64"),
              ...(v.destroyTime ? { destroyTime: new Date(v.destroyTime) } : {}),
              ...(v.destroyEventTime ? { destroyEventTime: new Date(v.destroyEventTime) } : {}),
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
  async createCryptoKey(
    name: string,
    options: { initialVersion: boolean; destroyScheduledDurationMs?: number },
  ): Promise<CryptoKeyRecord> {
    const cryptoKey: CryptoKeyRecord = {
      name,
      createTime: new Date(),
      primaryVersionName: undefined,
      versions: [],
      destroyScheduledDurationMs: options.destroyScheduledDurationMs ?? defaultDestroyScheduledDurationMs,
    };
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

  /** ENABLED <-> DISABLED, or DESTROY_SCHEDULED -> DISABLED (a restore); the caller checks the transition is allowed. */
  async setVersionState(version: CryptoKeyVersionRecord, state: "ENABLED" | "DISABLED"): Promise<void> {
    version.state = state;
    delete version.destroyTime;
    await this.persist();
  }

  /** Schedules the version's destruction `destroyScheduledDurationMs` from now. */
  async scheduleDestruction(cryptoKey: CryptoKeyRecord, version: CryptoKeyVersionRecord, now: Date): Promise<void> {
    version.state = "DESTROY_SCHEDULED";
    version.destroyTime = new Date(now.getTime() + cryptoKey.destroyScheduledDurationMs);
    await this.persist();
  }

  /**
   * What real KMS does by itself once a scheduled destroy time has passed: the version becomes DESTROYED
   * and its key material is gone for good. Run before every call, so state is never read stale.
   */
  async destroyDueVersions(now: Date): Promise<void> {
    let changed = false;
    for (const cryptoKey of this.cryptoKeys.values()) {
      for (const version of cryptoKey.versions) {
        if (version.state === "DESTROY_SCHEDULED" && version.destroyTime && version.destroyTime <= now) {
          destroyMaterial(version, now);
          changed = true;
        }
      }
    }
    if (changed) await this.persist();
  }

  /** Lets a scheduled destruction happen now rather than at its destroy time (tests cannot wait 30 days). */
  async destroyNow(version: CryptoKeyVersionRecord, now: Date): Promise<void> {
    destroyMaterial(version, now);
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
        destroyScheduledDurationMs: k.destroyScheduledDurationMs,
        versions: k.versions.map((v) => ({
          name: v.name,
          createTime: v.createTime.toISOString(),
          state: v.state,
          ...(v.keyMaterial ? { keyMaterial: v.keyMaterial.toString("base64") } : {}),
          ...(v.destroyTime ? { destroyTime: v.destroyTime.toISOString() } : {}),
          ...(v.destroyEventTime ? { destroyEventTime: v.destroyEventTime.toISOString() } : {}),
        })),
      })),
    };
  }
}

function destroyMaterial(version: CryptoKeyVersionRecord, now: Date): void {
  version.keyMaterial?.fill(0);
  version.keyMaterial = undefined;
  version.state = "DESTROYED";
  delete version.destroyTime;
  version.destroyEventTime = now;
}

function addVersion(cryptoKey: CryptoKeyRecord): CryptoKeyVersionRecord {
  const version: CryptoKeyVersionRecord = {
    name: `${cryptoKey.name}/cryptoKeyVersions/${cryptoKey.versions.length + 1}`,
    createTime: new Date(),
    state: "ENABLED",
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
