import { GenerateQuestionsInputSchema } from "../ai/schemas";
import { aiCallable } from "./ai-callable";

/**
 * Tailored interview questions, generated on the caller's own Gemini key.
 *
 * Who: any signed-in user; runs on their stored key (or, when ALLOW_DEFAULT_KEY is on and they have
 * none, the project's key within DEFAULT_KEY_DAILY_CAP calls a day).
 * Input: `{ jobTitle, jobDescription?, interviewType: "behavioral"|"technical"|"mixed", seniority?, count?: 1..10 = 5 }`.
 * Result: `{ questions: [{ id, text, category, rationale? }], keySource: "user"|"default" }`. A streaming
 * caller also receives progress chunks `{ step, message }` first.
 * Fails: INVALID_INPUT (also for content Gemini's safety settings block), RATE_LIMITED, KEY_MISSING,
 * KEY_INVALID, KEY_UNREADABLE (enter the key again), QUOTA_EXCEEDED, MODEL_UNAVAILABLE, KEY_STORE_UNAVAILABLE,
 * AI_UNAVAILABLE, APP_CHECK_REPLAYED (each call consumes its App Check token).
 */
export const generateQuestions = aiCallable(GenerateQuestionsInputSchema, (ai, call) => ai.generateQuestionsForUser(call, call.input));
