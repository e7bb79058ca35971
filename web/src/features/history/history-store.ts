import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  startAfter,
  writeBatch,
  type Firestore,
  type QueryDocumentSnapshot,
  type Timestamp,
} from "firebase/firestore/lite";
// With its extension: the tests (Node's module resolution) import this file too.
import type { PracticeDocument } from "../../../../functions/src/contract.js";

/**
 * The owner's practice history, read and deleted directly with Firestore (firestore.rules let a signed-in
 * user read and delete users/{uid}/practices/** and nothing else; only the AI callables write practices).
 * Firestore Lite (REST, no listeners or offline cache) is all a page of reads and a few deletes need, and
 * is loaded only with the History page.
 */

export type Practice = PracticeDocument<Timestamp> & { id: string };

const practicesOf = (db: Firestore, uid: string) => collection(db, "users", uid, "practices");
const toPractice = (snapshot: QueryDocumentSnapshot) => ({ ...(snapshot.data() as PracticeDocument<Timestamp>), id: snapshot.id });

export interface PracticePage {
  practices: Practice[];
  /** Where the next page starts; absent on the last page. */
  next?: QueryDocumentSnapshot;
}

/** One page of practices, newest first. */
export async function practicePage(db: Firestore, uid: string, pageSize: number, after?: QueryDocumentSnapshot): Promise<PracticePage> {
  const constraints = after ? [orderBy("createdAt", "desc"), startAfter(after), limit(pageSize)] : [orderBy("createdAt", "desc"), limit(pageSize)];
  const { docs } = await getDocs(query(practicesOf(db, uid), ...constraints));
  const now = Date.now();
  return { practices: docs.map(toPractice).filter((practice) => !isExpired(practice, now)), next: docs.length === pageSize ? docs.at(-1) : undefined };
}

/** One practice, or undefined when it is not (or no longer) in the history. */
export async function practiceById(db: Firestore, uid: string, practiceId: string): Promise<Practice | undefined> {
  const snapshot = await getDoc(doc(practicesOf(db, uid), practiceId));
  const practice = snapshot.exists() ? { ...(snapshot.data() as PracticeDocument<Timestamp>), id: snapshot.id } : undefined;
  return practice && !isExpired(practice, Date.now()) ? practice : undefined;
}

/** Firestore's TTL deletes an expired practice up to about a day after `expireAt`; for the user it is gone at once. */
const isExpired = (practice: Practice, now: number) => practice.expireAt !== undefined && practice.expireAt.toMillis() <= now;

/** Every practice, newest first (at most PRACTICE_HISTORY_LIMIT of them), read a page at a time. */
export async function allPractices(db: Firestore, uid: string): Promise<Practice[]> {
  const all: Practice[] = [];
  let next: QueryDocumentSnapshot | undefined;
  do {
    const page = await practicePage(db, uid, 100, next);
    all.push(...page.practices);
    next = page.next;
  } while (next);
  return all;
}

export const deletePractice = (db: Firestore, uid: string, practiceId: string) => deleteDoc(doc(practicesOf(db, uid), practiceId));

/** Deletes every practice, in batches; returns how many were deleted. */
export async function deleteAllPractices(db: Firestore, uid: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { docs } = await getDocs(query(practicesOf(db, uid), limit(200)));
    if (docs.length === 0) return deleted;
    const batch = writeBatch(db);
    docs.forEach((snapshot) => batch.delete(snapshot.ref));
    await batch.commit();
    deleted += docs.length;
  }
}

/**
 * The whole history as one JSON document, as the user downloads it: every practice with its questions,
 * every attempt's answers and feedback, times as ISO strings.
 */
export async function historyExport(db: Firestore, uid: string, exportedAt = new Date()): Promise<string> {
  const practices = await allPractices(db, uid);
  // The raw value (`this[key]`): a Timestamp's own toJSON has already run by the time a replacer sees `value`.
  return JSON.stringify(
    { format: "interview-ai-history/1", exportedAt: exportedAt.toISOString(), practices },
    function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key];
      return isTimestamp(raw) ? raw.toDate().toISOString() : value;
    },
    2,
  );
}

function isTimestamp(value: unknown): value is Timestamp {
  return typeof value === "object" && value !== null && typeof (value as Timestamp).toDate === "function" && "seconds" in value;
}
