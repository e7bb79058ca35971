import { FieldValue, Timestamp, type DocumentReference, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import type { AnswerFeedback, GenerateFeedbackInput, GenerateQuestionsInput, InterviewQuestions } from "../ai/schemas";
import { practiceNotFound } from "../errors";
import { firestore } from "../platform/admin";
import { practiceHistoryLimit } from "../config";
import * as logs from "../logs";
import type { AccountDataOutsideTheVault } from "../vault/key-lifecycle";
import { attemptsToKeep } from "./document-size";
import {
  defaultHistoryRetentionDays,
  historyRetentionChoices,
  type HistoryRetentionDays,
  type PracticeAttempt,
  type PracticeDocument,
  type PracticeQuestion,
  type ProducedBy,
} from "./schemas";

/**
 * Practice history on the server: the AI callables save each practice in the call that produced it
 * (the only writer: clients may read and delete their own practices, never write one), bounded in size,
 * in number per user (oldest first) and in time (a TTL on `expireAt`, from the user's retention choice).
 * Only this module knows where practices live: users/{uid} (the user's history settings) and
 * users/{uid}/practices/{practiceId}.
 */

type StoredPractice = PracticeDocument<Timestamp>;

const userDoc = (db: Firestore, uid: string) => db.doc(`users/${uid}`);
const practices = (db: Firestore, uid: string) => userDoc(db, uid).collection("practices");

const dayMs = 86_400_000;
const grpcNotFound = 5;
const grpcFailedPrecondition = 9;
const changedSinceRead = (error: unknown) => [grpcNotFound, grpcFailedPrecondition].includes((error as { code?: number })?.code ?? -1);

/** Firestore refuses `undefined`; the flows' results leave optional fields undefined. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function retentionOf(settings: DocumentSnapshot | undefined): HistoryRetentionDays {
  const stored = settings?.get("historyRetentionDays") as unknown;
  return (historyRetentionChoices as readonly unknown[]).includes(stored) ? (stored as HistoryRetentionDays) : defaultHistoryRetentionDays;
}

/** The TTL field's value for a practice last practised at `at`: null (delete the field) when kept without limit. */
function expireAtFor(retention: HistoryRetentionDays, at: Date): Timestamp | null {
  return retention === null ? null : Timestamp.fromMillis(at.getTime() + retention * dayMs);
}

export interface PracticeHistoryOptions {
  now?: () => Date;
  /** PRACTICE_HISTORY_LIMIT, read per call. */
  limit: () => number;
}

/**
 * One AI call's practice, begun before the provider is asked: its reads (the user's retention, the
 * practice named, or the count of practices) run beside the key's read. For a practice named, `ready`
 * waits for them and rejects with PRACTICE_NOT_FOUND for a practice the caller does not have, before
 * anything is spent or written; for a new practice there is nothing to check, and it is ready at once.
 */
export interface PracticeDraft {
  ready: Promise<void>;
  /** Saves generateQuestions' result as a new practice; returns its id. */
  saveQuestions(setup: Omit<GenerateQuestionsInput, "provider">, result: InterviewQuestions, producedBy: ProducedBy): Promise<string | undefined>;
  /** Adds generateFeedback's result as an attempt of the practice named, or of a new one; returns its id. */
  saveAttempt(input: Omit<GenerateFeedbackInput, "provider">, feedback: AnswerFeedback, producedBy: ProducedBy): Promise<string | undefined>;
}

export interface PracticeHistory {
  begin(uid: string, practiceId?: string): PracticeDraft;
  /** Reads, and with a choice sets, how long the user's practices are kept; existing ones get the new `expireAt`. */
  retention(uid: string, retentionDays?: HistoryRetentionDays): Promise<HistoryRetentionDays>;
}

/** The deployed history: the Admin SDK's Firestore and PRACTICE_HISTORY_LIMIT. */
export function defaultPracticeHistory(): PracticeHistory {
  return createPracticeHistory(firestore(), { limit: () => practiceHistoryLimit.value() });
}

export function createPracticeHistory(db: Firestore, options: PracticeHistoryOptions): PracticeHistory {
  const now = options.now ?? (() => new Date());

  /** Deletes the oldest practices beyond the limit, counting the one just created. */
  async function pruneOldest(uid: string, countBefore: number): Promise<void> {
    const limit = options.limit();
    // A limit below 1 is no limit an operator means (an unset param reads as 0 outside Cloud Functions): keep everything.
    if (!(limit >= 1)) return;
    const excess = countBefore + 1 - limit;
    if (excess <= 0) return;
    const oldest = await practices(db, uid).orderBy("createdAt", "asc").limit(excess).select().get();
    const batch = db.batch();
    oldest.docs.forEach((snapshot) => batch.delete(snapshot.ref));
    await batch.commit();
    logs.practicesPruned(uid, oldest.size, limit);
  }

  /** Creates a practice; a user at the limit loses their oldest (one more round trip, only then). */
  async function create(uid: string, ref: DocumentReference, document: StoredPractice, count: Promise<number>): Promise<string> {
    await ref.create(document);
    await pruneOldest(uid, await count);
    return ref.id;
  }

  return {
    begin(uid, practiceId) {
      const at = now();
      const settingsRef = userDoc(db, uid);
      const practiceRef = practiceId ? practices(db, uid).doc(practiceId) : practices(db, uid).doc();
      // One round trip for both documents when a practice is named; a new practice counts the user's instead.
      const reads = practiceId
        ? db.getAll(settingsRef, practiceRef).then(([settings, practice]) => ({ settings, practice }))
        : settingsRef.get().then((settings) => ({ settings, practice: undefined }));
      const count = practiceId
        ? Promise.resolve(0)
        : practices(db, uid)
            .count()
            .get()
            .then((snapshot) => snapshot.data().count);
      // Only a practice named is checked before the provider is asked. A new one needs its reads when it is
      // saved, after the answer: the provider is not kept waiting for the retention setting.
      const ready = practiceId
        ? reads.then(({ practice }) => {
            // TTL deletion lags expiry (up to about a day): an expired practice is gone for the user already.
            const expireAt = practice?.get("expireAt") as Timestamp | undefined;
            if (!practice?.exists || (expireAt && expireAt.toMillis() <= at.getTime())) throw practiceNotFound();
          })
        : Promise.resolve();
      // Each is awaited later or not at all (the call failed first): none may become an unhandled rejection.
      for (const pending of [reads, count, ready]) pending.catch(() => undefined);

      const saved = async (operation: string, work: () => Promise<string | undefined>) => {
        try {
          return await work();
        } catch (error) {
          logs.practiceSaveFailed(uid, operation, error);
          return undefined;
        }
      };

      return {
        ready,
        saveQuestions: (setup, result, producedBy) =>
          saved("save_questions", async () => {
            const { settings } = await reads;
            const questions: PracticeQuestion[] = result.questions.map(({ id, text, category, rationale }) => plain({ id, text, category, rationale }));
            return create(uid, practiceRef, newPractice(setup.jobTitle, setup.interviewType, setup.seniority ?? null, questions, producedBy, at, retentionOf(settings)), count);
          }),

        saveAttempt: (input, feedback, producedBy) =>
          saved("save_attempt", async () => {
            const { settings, practice } = await reads;
            const completedAt = now();
            const attempt: PracticeAttempt<Timestamp> = plain({ answers: input.items, feedback, ...producedBy }) as PracticeAttempt<Timestamp>;
            attempt.completedAt = Timestamp.fromDate(completedAt);
            const retention = retentionOf(settings);
            if (!practice) {
              const questions = input.items.map((item, index) => ({ id: item.questionId ?? `q${index + 1}`, text: item.question }));
              const document = { ...newPractice(input.jobTitle, null, null, questions, producedBy, at, retention), ...latestOf(attempt), attempts: [attempt] };
              return create(uid, practiceRef, document, count);
            }
            const update = (stored: StoredPractice) => {
              const { attempts: earlier, ...rest } = stored;
              const attempts = attemptsToKeep(practiceRef.path, { ...rest, ...latestOf(attempt) }, earlier ?? [], attempt);
              const expireAt = expireAtFor(retention, completedAt);
              return { ...latestOf(attempt), attempts, updatedAt: attempt.completedAt, expireAt: expireAt ?? FieldValue.delete() };
            };
            try {
              // One write, if the practice is as read before the provider was asked (no other attempt came between).
              await practiceRef.update(update(practice.data() as StoredPractice), { lastUpdateTime: practice.updateTime! });
              return practiceRef.id;
            } catch (error) {
              if (!changedSinceRead(error)) throw error;
            }
            return db.runTransaction(async (tx) => {
              const current = await tx.get(practiceRef);
              // Deleted by its owner meanwhile: their choice stands, and the feedback is only returned.
              if (!current.exists) return undefined;
              tx.update(practiceRef, update(current.data() as StoredPractice));
              return practiceRef.id;
            });
          }),
      };
    },

    async retention(uid, retentionDays) {
      if (retentionDays === undefined) return retentionOf(await userDoc(db, uid).get());
      await userDoc(db, uid).set({ historyRetentionDays: retentionDays }, { merge: true });
      const existing = await practices(db, uid).select("updatedAt").get();
      for (let start = 0; start < existing.size; start += 400) {
        const batch = db.batch();
        for (const snapshot of existing.docs.slice(start, start + 400)) {
          const updatedAt = (snapshot.get("updatedAt") as Timestamp | undefined)?.toDate() ?? now();
          batch.update(snapshot.ref, { expireAt: expireAtFor(retentionDays, updatedAt) ?? FieldValue.delete() });
        }
        await batch.commit();
      }
      logs.historyRetentionSet(uid, retentionDays, existing.size);
      return retentionDays;
    },
  };
}

function newPractice(
  jobTitle: string,
  interviewType: StoredPractice["interviewType"],
  seniority: StoredPractice["seniority"],
  questions: PracticeQuestion[],
  producedBy: ProducedBy,
  at: Date,
  retention: HistoryRetentionDays,
): StoredPractice {
  const createdAt = Timestamp.fromDate(at);
  const expireAt = expireAtFor(retention, at);
  return {
    jobTitle,
    interviewType,
    seniority,
    questions,
    ...producedBy,
    createdAt,
    updatedAt: createdAt,
    ...(expireAt && { expireAt }),
    attempts: [],
    overallScore: null,
    completedAt: null,
    feedbackProvider: null,
    feedbackModel: null,
  };
}

/** The top-level fields that show the latest attempt in a list. */
const latestOf = (attempt: PracticeAttempt<Timestamp>) => ({
  overallScore: attempt.feedback.overallScore,
  completedAt: attempt.completedAt,
  feedbackProvider: attempt.provider,
  feedbackModel: attempt.model,
});

/**
 * Deletes everything the user has under users/{uid}: their settings and every practice. For the Auth
 * deletion trigger and the orphan sweep (an account gone without its trigger having run).
 */
export async function deleteUserPractices(db: Firestore, uid: string): Promise<void> {
  await db.recursiveDelete(userDoc(db, uid));
  logs.accountPracticesDeleted(uid);
}

/** The practice history as the deleted-accounts sweep sees it: kept under users/{uid}, deleted whole. */
export function practicesOfAccounts(db: Firestore): AccountDataOutsideTheVault {
  return { collections: ["users"], deleteAccount: (uid) => deleteUserPractices(db, uid) };
}
