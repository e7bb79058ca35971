/**
 * Pure and dependency-free: the web app imports it too, to apply the same limits as the user types.
 *
 * The AI callables' input limits, in one place: the server's schemas enforce them before any key is
 * decrypted or any model called; the web app counts characters against them.
 */
export const inputLimits = {
  jobTitle: 200,
  jobDescription: 8_000,
  question: 1_000,
  answer: 4_000,
  /** Questions per generateQuestions call, and the count when none is asked for. */
  questionCount: { min: 1, max: 10, default: 5 },
  /** Answers per generateFeedback call. */
  feedbackItems: 10,
} as const;
