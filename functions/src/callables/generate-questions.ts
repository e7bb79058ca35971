import { onCall, type CallableRequest, type CallableResponse } from "firebase-functions/v2/https";
import type { GenerateQuestionsResult, Progress } from "../ai/schemas";
import { GenerateQuestionsInputSchema } from "../ai/schemas";
import { aiRateLimitPerMinute, defaultGeminiApiKey } from "../config";
import { withErrorMapping } from "../errors";
import { consumeRateLimit } from "../rate-limit";
import { progressSink } from "./progress-sink";
import { parseInput, requireUid } from "./request";

/**
 * Tailored interview questions, generated on the caller's own Gemini key.
 *
 * Who: any signed-in user; runs on their stored key (or, when ALLOW_DEFAULT_KEY is on and they have
 * none, the project's key within DEFAULT_KEY_DAILY_CAP calls a day).
 * Input: `{ jobTitle, jobDescription?, interviewType: "behavioral"|"technical"|"mixed", seniority?, count?: 1..10 = 5 }`.
 * Result: `{ questions: [{ id, text, category, rationale? }], keySource: "user"|"default" }`. A streaming
 * caller also receives progress chunks `{ step, message }` first.
 * Fails: INVALID_INPUT (also for content Gemini's safety settings block), RATE_LIMITED, KEY_MISSING,
 * KEY_INVALID, QUOTA_EXCEEDED, KEY_STORE_UNAVAILABLE, AI_UNAVAILABLE.
 */
export const generateQuestions = onCall(
  { secrets: [defaultGeminiApiKey], timeoutSeconds: 180, memory: "512MiB" },
  withErrorMapping(async (request: CallableRequest<unknown>, response?: CallableResponse<Progress>): Promise<GenerateQuestionsResult> => {
    const uid = requireUid(request);
    const input = parseInput(GenerateQuestionsInputSchema, request.data);
    await consumeRateLimit({ uid, bucket: "ai", limit: aiRateLimitPerMinute.value(), windowSeconds: 60 });
    // Genkit loads here, on the first AI call of an instance, never for key management.
    const { generateQuestionsForUser } = await import("../ai/generate-for-user.js");
    return generateQuestionsForUser(uid, input, progressSink(request, response));
  }),
);
