import { FieldPath, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import * as logs from "../logs";
import {
  apiKeyCollectionGroup,
  apiKeyDoc,
  auditCollection,
  auditDocument,
  fromDocument,
  isExpired,
  ownerOf,
  type AuditEvent,
} from "./api-key-store";
import { EnvelopeIntegrityError, isUnreadableRecordError, secretAad, WrappingKeyUnusableError, type DataKeyWrapper } from "./envelope";

/**
 * The re-wrap job. Cloud KMS rotates the key that wraps every data key, so records pile up under old
 * key versions; an old version can only be disabled once no record needs it. This moves each record's
 * wrapped data key to the current primary version: decrypt the data key with KMS, encrypt it again
 * (KMS uses the primary), write it back. The API key's own ciphertext and IV are never touched, nor is
 * the key itself ever decrypted.
 *
 * - Idempotent: a record already under the primary costs no KMS call ("already current").
 * - Safe with concurrent writes: the new wrapped key is written in a transaction only if the record
 *   still holds the same key (`keyId`) under the same version; otherwise it is "skipped".
 * - Bounded: at most `maxKmsCalls` KMS calls per run (one to learn the primary, two per record).
 * - Resumable: it walks the records in document order and keeps its place in `apiKeyJobs/rewrap`; a run
 *   that hits its bound, times out or crashes is continued by the next run. A finished pass starts over.
 * - A record whose version turns out to be disabled or destroyed is marked `unreadable` ("failed").
 * - A record already `unreadable` may only have been caught while its version was briefly disabled, so
 *   it is not written off: the job asks KMS for its version's state (once per version and run). If the
 *   version is enabled again, the record is re-wrapped like any other and is readable again
 *   ("recovered", state `unverified` until its next use or check). If the version still exists but is
 *   not enabled (DISABLED, DESTROY_SCHEDULED), the record counts as "unreadable", and its version is
 *   listed: destroying that version would lose a key that enabling it would give back. A destroyed
 *   version, or a record that fails its integrity check under an enabled one, cannot be helped ("skipped").
 * - Expired records (the cleanup deletes them) are "skipped".
 *
 * Safe to disable an old version: one run over every record (from the start to the end of a pass) with
 * failed 0 and unreadable 0 (docs/key-rewrap.md).
 */

/** What the job needs of KMS: the wrapper (without a cache) and which version is primary now. */
export interface RewrapKms {
  wrapper: DataKeyWrapper;
  primaryVersion(): Promise<string>;
  /** A version's state as KMS reports it: ENABLED, DISABLED, DESTROY_SCHEDULED, DESTROYED, … */
  versionState(versionName: string): Promise<string>;
}

export interface RewrapOptions {
  /** KMS calls one run may make, the primary-version lookup included. */
  maxKmsCalls: number;
  /** Records read per Firestore page. */
  pageSize?: number;
  /** Records re-wrapped at once. */
  concurrency?: number;
  now?: () => Date;
}

export interface RewrapCounts {
  /** The primary version records were moved to. */
  primaryVersion: string;
  scanned: number;
  rewrapped: number;
  alreadyCurrent: number;
  skipped: number;
  failed: number;
  /** Records that were `unreadable`, found under a version enabled again, and re-wrapped: readable again. */
  recovered: number;
  /**
   * Records left `unreadable` whose version still exists but is not enabled: enabling (or restoring) it
   * would make them readable, destroying it loses them. They block disabling as failures do.
   */
  unreadable: number;
  /** The versions those `unreadable` records are under. */
  unreadableVersions: string[];
  kmsCalls: number;
  /** Whether this run reached the end of the records; if not, the next run continues where it stopped. */
  passComplete: boolean;
  /** Whether this run started at the first record (not where an earlier run stopped): its counts cover every record. */
  fromStart: boolean;
}

/** Where the job keeps its place between runs; closed to clients like everything else (firestore.rules). */
const checkpointPath = "apiKeyJobs/rewrap";

/** One run's default bound: the lookup and 5,000 records, far below Cloud KMS's request quotas. */
export const defaultRewrapKmsCalls = 10_001;

export async function rewrapApiKeys(db: Firestore, kms: RewrapKms, options: RewrapOptions): Promise<RewrapCounts> {
  const { maxKmsCalls, pageSize = 200, concurrency = 8, now = () => new Date() } = options;
  if (!(maxKmsCalls >= 3)) throw new Error("A re-wrap run needs a bound of at least 3 KMS calls (the lookup and one record).");
  const primaryVersion = await kms.primaryVersion();
  const counts: RewrapCounts = {
    primaryVersion,
    scanned: 0,
    rewrapped: 0,
    alreadyCurrent: 0,
    skipped: 0,
    failed: 0,
    recovered: 0,
    unreadable: 0,
    unreadableVersions: [],
    kmsCalls: 1,
    passComplete: false,
    fromStart: false,
  };
  const checkpoint = db.doc(checkpointPath);
  let cursor = ((await checkpoint.get()).get("cursor") as string | null | undefined) ?? null;
  counts.fromStart = cursor === null;
  let budget = maxKmsCalls - 1;
  const versionStates = new Map<string, string>();

  pages: for (;;) {
    let query = db.collectionGroup(apiKeyCollectionGroup).orderBy(FieldPath.documentId()).limit(pageSize);
    if (cursor) query = query.startAfter(cursor);
    const page = await query.get();
    let batch: Promise<void>[] = [];
    for (const snapshot of page.docs) {
      let plan = planFor(snapshot, primaryVersion, now());
      if (plan === "unreadable") {
        const version = fromDocument(snapshot.data()).envelope.kmsKeyVersion;
        if (!versionStates.has(version)) {
          if (budget < 1) {
            await Promise.all(batch);
            break pages;
          }
          budget -= 1;
          counts.kmsCalls += 1;
          // A lookup that fails leaves the version's state unknown: its records count as unreadable, not lost.
          versionStates.set(version, await kms.versionState(version).catch(() => "UNKNOWN"));
        }
        const state = versionStates.get(version)!;
        if (state === "ENABLED") {
          plan = "recover";
        } else if (state === "DESTROYED" || state === "DESTROY_FAILED") {
          plan = "skip";
        } else {
          counts.unreadable += 1;
          if (!counts.unreadableVersions.includes(version)) counts.unreadableVersions.push(version);
          counts.scanned += 1;
          cursor = snapshot.ref.path;
          continue;
        }
      }
      if (plan === "rewrap" || plan === "recover") {
        if (budget < 2) {
          await Promise.all(batch);
          break pages;
        }
        budget -= 2;
        batch.push(rewrapRecord(db, kms.wrapper, snapshot, now, counts, plan === "recover"));
        if (batch.length >= concurrency) {
          await Promise.all(batch);
          batch = [];
        }
      } else if (plan === "current") {
        counts.alreadyCurrent += 1;
      } else {
        counts.skipped += 1;
      }
      counts.scanned += 1;
      cursor = snapshot.ref.path;
    }
    await Promise.all(batch);
    if (page.size < pageSize) {
      counts.passComplete = true;
      cursor = null;
      break;
    }
  }

  await checkpoint.set({ cursor, primaryVersion, lastRunAt: now(), lastRun: counts });
  logs.rewrapRun(counts);
  return counts;
}

function planFor(snapshot: DocumentSnapshot, primaryVersion: string, now: Date): "rewrap" | "recover" | "current" | "skip" | "unreadable" {
  const record = fromDocument(snapshot.data()!);
  if (isExpired(record, now)) return "skip";
  if (record.state === "unreadable") return "unreadable";
  return record.envelope.kmsKeyVersion === primaryVersion ? "current" : "rewrap";
}

/**
 * Moves one record's data key to the primary version, counting the outcome; never throws. `recovering`:
 * the record was `unreadable` and its version is enabled again; written back, it is `unverified`.
 */
async function rewrapRecord(
  db: Firestore,
  wrapper: DataKeyWrapper,
  snapshot: DocumentSnapshot,
  now: () => Date,
  counts: RewrapCounts,
  recovering: boolean,
): Promise<void> {
  const { uid, provider } = ownerOf(snapshot.ref);
  const record = fromDocument(snapshot.data()!);
  const aad = secretAad(uid, provider);
  let dataKey: Buffer | undefined;
  try {
    counts.kmsCalls += 1;
    dataKey = await wrapper.unwrap(record.envelope.wrappedDataKey, aad);
    counts.kmsCalls += 1;
    const rewrapped = await wrapper.wrap(dataKey, aad);
    const ref = apiKeyDoc(db, uid, provider);
    const event: AuditEvent = { event: "rewrap", outcome: recovering ? "recovered" : "rewrapped" };
    const written = await db.runTransaction(async (tx) => {
      const current = await tx.get(ref);
      // A concurrent setApiKey, removal or re-wrap wins: never clobber what changed since the scan.
      if (current.get("keyId") !== record.keyId || current.get("envelope.kmsKeyVersion") !== record.envelope.kmsKeyVersion) return false;
      tx.update(ref, {
        "envelope.wrappedDataKey": rewrapped.wrappedDataKey,
        "envelope.kmsKeyVersion": rewrapped.kmsKeyVersion,
        rewrappedAt: now(),
        // Readable again; the key itself has not been checked since, so the user is not told it is active.
        ...(current.get("state") === "unreadable" ? { state: "unverified", updatedAt: now() } : {}),
      });
      tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()));
      return true;
    });
    if (written && recovering) {
      counts.recovered += 1;
      logs.keyRewrapped(uid, provider, record.envelope.kmsKeyVersion, rewrapped.kmsKeyVersion);
    } else if (written) {
      counts.rewrapped += 1;
      logs.keyRewrapped(uid, provider, record.envelope.kmsKeyVersion, rewrapped.kmsKeyVersion);
    } else {
      counts.skipped += 1;
    }
  } catch (error) {
    if (recovering && error instanceof EnvelopeIntegrityError) {
      // Unreadable under an enabled version: no version can help this record.
      counts.skipped += 1;
      logs.keyUnreadable(uid, provider, "rewrap", error);
      return;
    }
    if (recovering && error instanceof WrappingKeyUnusableError) {
      // Its version was disabled again since the lookup: still recoverable, so it counts as unreadable.
      counts.unreadable += 1;
      if (!counts.unreadableVersions.includes(record.envelope.kmsKeyVersion)) counts.unreadableVersions.push(record.envelope.kmsKeyVersion);
      return;
    }
    counts.failed += 1;
    if (isUnreadableRecordError(error)) await markUnreadable(db, uid, provider, record.keyId, now(), error);
    else logs.rewrapFailed(uid, provider, error);
  } finally {
    dataKey?.fill(0);
  }
}

/** The record will never decrypt (its version is disabled or destroyed, or it fails integrity): say so in its state. */
async function markUnreadable(db: Firestore, uid: string, provider: ReturnType<typeof ownerOf>["provider"], keyId: string, now: Date, cause: Error) {
  logs.keyUnreadable(uid, provider, "rewrap", cause);
  const ref = apiKeyDoc(db, uid, provider);
  const event: AuditEvent = { event: "rewrap", outcome: "unreadable" };
  try {
    await db.runTransaction(async (tx) => {
      const current = await tx.get(ref);
      if (current.get("keyId") !== keyId || current.get("state") === "unreadable") return;
      tx.update(ref, { state: "unreadable", updatedAt: now });
      tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now));
    });
  } catch (error) {
    logs.keyBookkeepingFailed(uid, provider, "mark_unreadable", error);
  }
}
