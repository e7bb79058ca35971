import { z } from "zod";
import type { AnswerFeedback, KeySource } from "../ai/schemas";
import type { Provider } from "../providers";

/**
 * Practice history: what a practice document holds (users/{uid}/practices/{practiceId}), the inputs of
 * its callables, and the retention choices. Plain zod and types, shared with the web app as types only.
 */

/** Days a practice is kept after it was last practised; null: without limit. */
export const historyRetentionChoices = [30, 90, 365, null] as const;
export type HistoryRetentionDays = (typeof historyRetentionChoices)[number];
export const defaultHistoryRetentionDays: HistoryRetentionDays = 365;

/** `setHistoryRetention`: with `retentionDays`, sets it; without, only reads the current choice. */
export const SetHistoryRetentionInputSchema = z
  .object({ retentionDays: z.union([z.literal(30), z.literal(90), z.literal(365), z.null()]).optional() })
  .strict();
export type SetHistoryRetentionInput = z.infer<typeof SetHistoryRetentionInputSchema>;

export interface HistoryRetention {
  retentionDays: HistoryRetentionDays;
}

/** A question as a practice keeps it: generateQuestions' own, or (a practice begun by generateFeedback) the text answered. */
export interface PracticeQuestion {
  id: string;
  text: string;
  category?: string;
  rationale?: string;
}

/** Which provider, model and whose key produced a part of a practice. */
export interface ProducedBy {
  provider: Provider;
  model: string;
  keySource: KeySource;
}

/** One round of answers and the feedback the AI gave on them; a revision adds another. */
export interface PracticeAttempt<Time> extends ProducedBy {
  answers: Array<{ questionId?: string; question: string; answer: string }>;
  feedback: AnswerFeedback;
  completedAt: Time;
}

/**
 * users/{uid}/practices/{practiceId}. Written only by the AI callables (Admin SDK); read and deleted by
 * its owner (firestore.rules). The top-level score, completion and feedback provider are the latest
 * attempt's, so that a list needs no attempt. `expireAt` (absent: kept without limit) is the Firestore TTL field.
 */
export interface PracticeDocument<Time> extends ProducedBy {
  jobTitle: string;
  /** Null for a practice begun by generateFeedback without questions from generateQuestions. */
  interviewType: "behavioral" | "technical" | "mixed" | null;
  seniority: "junior" | "mid" | "senior" | null;
  questions: PracticeQuestion[];
  createdAt: Time;
  updatedAt: Time;
  expireAt?: Time;
  attempts: Array<PracticeAttempt<Time>>;
  /** The latest attempt's; null while the practice is not finished. */
  overallScore: number | null;
  completedAt: Time | null;
  feedbackProvider: Provider | null;
  feedbackModel: string | null;
}
