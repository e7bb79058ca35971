import { onCall, type CallableRequest, type CallableResponse } from "firebase-functions/v2/https";
import type { GenerateFeedbackResult, Progress } from "../ai/schemas";
import { GenerateFeedbackInputSchema } from "../ai/schemas";
import { aiRateLimitPerMinute, defaultGeminiApiKey } from "../config";
import { withErrorMapping } from "../errors";
import { consumeRateLimit } from "../rate-limit";
import { progressSink } from "./progress-sink";
import { parseInput, requireUid } from "./request";

/**
 * Feedback on a candidate's interview answers, generated on the caller's own Gemini key.
 *
 * Who: any signed-in user; key as for generateQuestions (their own, or the capped project key).
 * Input: `{ jobTitle, items: [{ question, answer }] (1..10) }`; answers up to 4,000 characters.
 * Result: `{ overallScore: 0..100, summary, items: [{ question, score, strengths, improvements }],
 * keySource }`; a streaming caller also receives progress chunks `{ step, message }` first.
 * Fails: INVALID_INPUT (also for content Gemini's safety settings block), RATE_LIMITED, KEY_MISSING,
 * KEY_INVALID, QUOTA_EXCEEDED, KEY_STORE_UNAVAILABLE, AI_UNAVAILABLE.
 */
export const generateFeedback = onCall(
  { secrets: [defaultGeminiApiKey], timeoutSeconds: 180, memory: "512MiB" },
  withErrorMapping(async (request: CallableRequest<unknown>, response?: CallableResponse<Progress>): Promise<GenerateFeedbackResult> => {
    const uid = requireUid(request);
    const input = parseInput(GenerateFeedbackInputSchema, request.data);
    await consumeRateLimit({ uid, bucket: "ai", limit: aiRateLimitPerMinute.value(), windowSeconds: 60 });
    // Genkit loads here, on the first AI call of an instance, never for key management.
    const { generateFeedbackForUser } = await import("../ai/generate-for-user.js");
    return generateFeedbackForUser(uid, input, progressSink(request, response));
  }),
);
