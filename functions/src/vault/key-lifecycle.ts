import type { Auth } from "firebase-admin/auth";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import * as logs from "../logs";
import type { Provider } from "../providers";
import {
  apiKeyCollectionGroup,
  apiKeyDoc,
  auditCollection,
  auditDocument,
  fromDocument,
  isExpired,
  ownerOf,
  userKeysDoc,
  type AuditEvent,
} from "./api-key-store";

/**
 * The ends of a key's life that need no KMS: expiry (at use and by the scheduled cleanup) and account
 * deletion. Both delete the record, and with it the wrapped data key (crypto-shredding), and audit why.
 */

/**
 * Deletes key `keyId` if it is still the stored one and has expired, auditing `expire`. Returns whether
 * it did. Safe to race with a replacement (which has another keyId) or with another cleanup.
 */
export async function expireIfDue(db: Firestore, uid: string, provider: Provider, keyId: string, now: Date): Promise<boolean> {
  const ref = apiKeyDoc(db, uid, provider);
  const event: AuditEvent = { event: "expire", outcome: "deleted" };
  const deleted = await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!snapshot.exists || snapshot.get("keyId") !== keyId || !isExpired(fromDocument(snapshot.data()!), now)) return false;
    tx.delete(ref);
    tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now));
    return true;
  });
  if (deleted) logs.keyEvent(uid, provider, event);
  return deleted;
}

/** What one cleanup run did. */
export interface ExpiryCleanupCounts {
  found: number;
  deleted: number;
  failed: number;
}

/**
 * Deletes every key whose chosen expiry has passed, in pages of `pageSize`. An expired key is already
 * refused at use; this removes its ciphertext for good. Needs the collection-group index on `expiresAt`
 * declared in firestore.indexes.json.
 */
export async function deleteExpiredApiKeys(db: Firestore, now: Date, { pageSize = 200, maxRecords = 5_000 } = {}): Promise<ExpiryCleanupCounts> {
  const counts: ExpiryCleanupCounts = { found: 0, deleted: 0, failed: 0 };
  let query = db
    .collectionGroup(apiKeyCollectionGroup)
    .where("expiresAt", "<=", Timestamp.fromDate(now))
    .orderBy("expiresAt")
    .limit(pageSize);
  while (counts.found < maxRecords) {
    const page = await query.get();
    for (const snapshot of page.docs) {
      counts.found += 1;
      const { uid, provider } = ownerOf(snapshot.ref);
      try {
        if (await expireIfDue(db, uid, provider, String(snapshot.get("keyId")), now)) counts.deleted += 1;
      } catch (error) {
        counts.failed += 1;
        logs.keyBookkeepingFailed(uid, provider, "expire", error);
      }
    }
    if (page.size < pageSize) break;
    query = query.startAfter(page.docs[page.docs.length - 1]);
  }
  logs.expiryCleanup(counts);
  return counts;
}

/**
 * Everything the key features keep about a user whose account was deleted: their key records (each
 * audited as removed with the account) and their rate-limit documents. Idempotent, so a retried trigger
 * does no harm. The audit trail itself stays until its TTL (docs/key-lifecycle.md, "Retention").
 */
export async function deleteAccountKeyData(db: Firestore, uid: string, now: Date): Promise<{ keysDeleted: number }> {
  const keysRoot = userKeysDoc(db, uid);
  const records = await keysRoot.collection("providers").get();
  for (const record of records.docs) {
    const provider = record.id as Provider;
    const event: AuditEvent = { event: "remove", outcome: "account_deleted" };
    const batch = db.batch();
    batch.delete(record.ref);
    batch.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now));
    await batch.commit();
    logs.keyEvent(uid, provider, event);
  }
  // Anything else under the user's key and rate-limit documents, whatever a future feature keeps there.
  await db.recursiveDelete(keysRoot);
  await db.recursiveDelete(db.collection("rateLimits").doc(uid));
  return { keysDeleted: records.size };
}

/** What one sweep for the data of deleted accounts did. */
export interface DeletedAccountSweepCounts {
  /** Distinct uids that have key records or rate-limit documents. */
  checked: number;
  /** Of those, accounts Firebase Auth no longer has, whose data was deleted. */
  orphaned: number;
  keysDeleted: number;
  failed: number;
}

/** getUsers takes at most 100 identifiers a call. */
const authLookupBatch = 100;

/**
 * Deletes the key records and rate-limit documents (as deleteAccountKeyData, audited `account_deleted`)
 * of every uid that has some but no longer has an account. The deletion trigger does this when an
 * account goes; this catches what it cannot: data written after it ran (a request in flight, or one
 * made with the deleted account's still-valid ID token before those were refused), and a trigger that
 * gave up. Which uids: the documents under `apiKeys` and `rateLimits`, listed with listDocuments, which
 * also returns the ids of documents that exist only as parents of subcollections (as both do). The shared
 * key's allowance (`sharedKeyAllowance`) is not a user's and outlives accounts on purpose.
 */
/** A user's data kept outside the vault (practice history): the collections keyed by uid, and how to delete one account's. */
export interface AccountDataOutsideTheVault {
  collections: string[];
  deleteAccount: (uid: string) => Promise<void>;
}

export async function deleteDataOfDeletedAccounts(
  db: Firestore,
  accounts: Pick<Auth, "getUsers">,
  now: Date,
  outsideTheVault?: AccountDataOutsideTheVault,
): Promise<DeletedAccountSweepCounts> {
  const collections = ["apiKeys", "rateLimits", ...(outsideTheVault?.collections ?? [])];
  const refs = (await Promise.all(collections.map((name) => db.collection(name).listDocuments()))).flat();
  const uids = [...new Set(refs.map((ref) => ref.id))];
  const counts: DeletedAccountSweepCounts = { checked: uids.length, orphaned: 0, keysDeleted: 0, failed: 0 };
  for (let start = 0; start < uids.length; start += authLookupBatch) {
    const batch = uids.slice(start, start + authLookupBatch);
    const { notFound } = await accounts.getUsers(batch.map((uid) => ({ uid })));
    for (const identifier of notFound) {
      const uid = (identifier as { uid: string }).uid;
      try {
        const [{ keysDeleted }] = await Promise.all([deleteAccountKeyData(db, uid, now), outsideTheVault?.deleteAccount(uid)]);
        counts.orphaned += 1;
        counts.keysDeleted += keysDeleted;
        logs.accountKeyDataDeleted(uid, keysDeleted);
      } catch (error) {
        counts.failed += 1;
        logs.deletedAccountSweepFailed(uid, error);
      }
    }
  }
  logs.deletedAccountSweep(counts);
  return counts;
}
