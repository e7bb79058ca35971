import { GenerateFeedbackInputSchema } from "../ai/schemas";
import { aiCallable } from "./ai-callable";

/**
 * Feedback on a candidate's interview answers, generated on the caller's own key (Gemini, OpenAI, Anthropic or OpenRouter).
 *
 * Who: any signed-in user; key as for generateQuestions (their own, or the capped project key).
 * Input: `{ jobTitle, items: [{ question, answer }] (1..10), provider? }`; answers up to 4,000 characters.
 * Result: `{ overallScore: 0..100, summary, items: [{ question, score, strengths, improvements }],
 * keySource, provider, model, fallback?, fallbackFrom?, usage? }` (AnsweredBy); a streaming caller also receives progress chunks `{ step, message }` first.
 * Fails: INVALID_INPUT (also for content the provider's safety settings block), RATE_LIMITED, KEY_MISSING,
 * KEY_INVALID, KEY_NOT_PERMITTED, KEY_UNREADABLE (enter the key again), QUOTA_EXCEEDED, MODEL_UNAVAILABLE, KEY_STORE_UNAVAILABLE,
 * AI_UNAVAILABLE, APP_CHECK_REPLAYED (each call consumes its App Check token), SESSION_ENDED (`unauthenticated`:
 * the account was deleted or disabled, or its sessions revoked, since the ID token was issued).
 */
export const generateFeedback = aiCallable(GenerateFeedbackInputSchema, (ai, call) => ai.generateFeedbackForUser(call, call.input));
