import { GenerateQuestionsInputSchema } from "../ai/schemas";
import { aiCallable } from "./ai-callable";

/**
 * Tailored interview questions, generated on the caller's own key (Gemini, OpenAI, Anthropic or OpenRouter).
 *
 * Who: any signed-in user; runs on their stored key for `provider`, or (none named) for their preferred
 * provider, else the first of googleai, openai, anthropic with a usable key; when they have no key and
 * ALLOW_DEFAULT_KEY is on, the project's Gemini key within DEFAULT_KEY_DAILY_CAP calls a day.
 * Input: `{ jobTitle, jobDescription?, interviewType: "behavioral"|"technical"|"mixed", seniority?, count?: 1..10 = 5, provider? }`.
 * Result: `{ questions: [{ id, text, category, rationale? }], keySource: "user"|"default", provider, model, fallback?,
 * fallbackFrom?, usage? }` (which model answered and why when not the first choice, the call's tokens and cost:
 * AnsweredBy, docs/models-and-usage.md). A streaming
 * caller also receives progress chunks `{ step, message }` first.
 * Fails: INVALID_INPUT (also for content the provider's safety settings block), RATE_LIMITED, KEY_MISSING,
 * KEY_INVALID, KEY_NOT_PERMITTED, KEY_UNREADABLE (enter the key again), QUOTA_EXCEEDED, MODEL_UNAVAILABLE, KEY_STORE_UNAVAILABLE,
 * AI_UNAVAILABLE, APP_CHECK_REPLAYED (each call consumes its App Check token), SESSION_ENDED (`unauthenticated`:
 * the account was deleted or disabled, or its sessions revoked, since the ID token was issued).
 */
export const generateQuestions = aiCallable(GenerateQuestionsInputSchema, (ai, call) => ai.generateQuestionsForUser(call, call.input));
