import { z } from "zod";
import { providers, type Provider } from "../providers";
import { inputLimits } from "./input-limits";

/** A Firestore auto-id (20 characters) or a test's own id: letters and digits only, so it is always one path segment. */
export const PracticeIdSchema = z.string().regex(/^[A-Za-z0-9]{1,64}$/, "must be a practice id");

/**
 * The AI callables' inputs, results and the shapes the model must answer in. Plain zod (no Genkit),
 * so a callable can validate its input without loading the AI stack. Every string and array is
 * bounded: limits are checked before any key is decrypted or any model called.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const questionId = z.string().min(1).max(64);
/** Whose provider runs the call; absent: the user's preferred provider, else the first with a usable key. */
const provider = z.enum(providers).optional();

export const interviewTypes = ["behavioral", "technical", "mixed"] as const;
export const seniorities = ["junior", "mid", "senior"] as const;

export const GenerateQuestionsInputSchema = z
  .object({
    jobTitle: text(inputLimits.jobTitle),
    jobDescription: z.string().trim().max(inputLimits.jobDescription).optional(),
    interviewType: z.enum(interviewTypes),
    seniority: z.enum(seniorities).optional(),
    count: z.number().int().min(inputLimits.questionCount.min).max(inputLimits.questionCount.max).default(inputLimits.questionCount.default),
    provider,
  })
  .strict();
export type GenerateQuestionsInput = z.infer<typeof GenerateQuestionsInputSchema>;

/** A question as the model writes it; its `id` is assigned by the flow, not by the model. */
export const ModelQuestionSchema = z.object({
  text: z.string().min(1).max(1_000),
  category: z.string().min(1).max(100),
  rationale: z.string().max(1_000).optional(),
});

/**
 * One schema object per size, made once: Genkit keeps a schema's JSON Schema and its compiled validator
 * per schema object (WeakMaps in @genkit-ai/core's schema.js), so a fresh object on every call would be
 * converted and compiled again on every call. Sizes are bounded by the input limits.
 */
function perSize<Schema>(make: (size: number) => Schema): (size: number) => Schema {
  const made = new Map<number, Schema>();
  return (size) => {
    let schema = made.get(size);
    if (!schema) made.set(size, (schema = make(size)));
    return schema;
  };
}

/** What the model must answer when asked for `count` questions: exactly that many. */
export const questionsAnswerSchema = perSize((count: number) => z.object({ questions: z.array(ModelQuestionSchema).min(count).max(count) }));

export const QuestionSchema = ModelQuestionSchema.extend({ id: questionId });
export type Question = z.infer<typeof QuestionSchema>;

export const InterviewQuestionsSchema = z.object({ questions: z.array(QuestionSchema).min(1).max(10) });
export type InterviewQuestions = z.infer<typeof InterviewQuestionsSchema>;

export const GenerateFeedbackInputSchema = z
  .object({
    jobTitle: text(inputLimits.jobTitle),
    items: z
      .array(
        z
          .object({
            /** The id generateQuestions gave the question; echoed in its feedback, so two identical questions stay apart. */
            questionId: questionId.optional(),
            question: text(inputLimits.question),
            answer: text(inputLimits.answer),
          })
          .strict(),
      )
      .min(1)
      .max(inputLimits.feedbackItems),
    /** The practice (from generateQuestions, or an earlier feedback) these answers are an attempt of; absent: a new practice. */
    practiceId: PracticeIdSchema.optional(),
    provider,
  })
  .strict();
export type GenerateFeedbackInput = z.infer<typeof GenerateFeedbackInputSchema>;

const score = z.number().int().min(0).max(100);
const points = z.array(z.string().min(1).max(500)).max(5);

/** Feedback on one answer as the model writes it; the question it belongs to is copied by the flow. */
export const ModelItemFeedbackSchema = z.object({ score, strengths: points, improvements: points });

/** What the model must answer for `itemCount` answers: one feedback item each, in order. */
export const feedbackAnswerSchema = perSize((itemCount: number) =>
  z.object({
    overallScore: score,
    summary: z.string().min(1).max(2_000),
    items: z.array(ModelItemFeedbackSchema).min(itemCount).max(itemCount),
  }),
);

export const ItemFeedbackSchema = ModelItemFeedbackSchema.extend({ questionId: questionId.optional(), question: z.string().min(1).max(1_000) });

export const AnswerFeedbackSchema = z.object({
  overallScore: score,
  summary: z.string().min(1).max(2_000),
  items: z.array(ItemFeedbackSchema).min(1).max(10),
});
export type AnswerFeedback = z.infer<typeof AnswerFeedbackSchema>;

/** Whose key paid for a generation. */
export type KeySource = "user" | "default";

/** Who paid for a generation: whose key (`keySource`) of which provider. */
export interface PaidBy {
  keySource: KeySource;
  provider: Provider;
}

/** The practice in the user's history that holds the result; absent when it could not be saved (the result stands). */
export interface SavedAs {
  practiceId?: string;
}

export type GenerateQuestionsResult = InterviewQuestions & PaidBy & SavedAs;
export type GenerateFeedbackResult = AnswerFeedback & PaidBy & SavedAs;

/**
 * One streamed progress chunk of an AI callable (the web app renders `message` and may key on `step`).
 * Steps, in order: `key` (whose key is used), `generating`, and `retrying` when a malformed answer is
 * asked for once more. The final result is the callable's ordinary return value.
 */
export const ProgressSchema = z.object({ step: z.string(), message: z.string() });
export type Progress = z.infer<typeof ProgressSchema>;
