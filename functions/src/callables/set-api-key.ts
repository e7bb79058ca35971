import { onCall, type CallableRequest } from "firebase-functions/v2/https";
import { z } from "zod";
import { verifyGeminiKey } from "../ai/verify-gemini-key";
import { geminiApiBaseUrl, geminiModel } from "../config";
import { AppError, keyFormat, withErrorMapping } from "../errors";
import { isWellFormedKey, providers } from "../providers";
import { consumeRateLimit } from "../rate-limit";
import { defaultVault, type ApiKeyStatus } from "../vault/api-key-vault";
import { parseInput, requireUid } from "./request";

export const SetApiKeyInputSchema = z
  .object({
    apiKey: z.string().max(512).transform((key) => key.trim()),
    provider: z.enum(providers).default("googleai"),
    verify: z.boolean().default(true),
  })
  .strict();
export type SetApiKeyInput = z.infer<typeof SetApiKeyInputSchema>;

const verifyTimeoutMs = 8_000;

/**
 * Each attempt asks Google about a key, so without a bound setApiKey would let anyone with an account
 * test stolen keys at our expense. Ten attempts per user per ten minutes is plenty for typos.
 */
const setKeyAttempts = { limit: 10, windowSeconds: 600 };

/**
 * Stores the caller's own provider key, encrypted.
 *
 * Who: any signed-in user, for their own account only.
 * Input: `{ apiKey, provider?: "googleai", verify?: boolean = true }`.
 * Result: `{ status }` (see apiKeyStatus). With `verify`, the key is checked live first (can it use the
 * configured model?) and stored as `active`, or `quota_exhausted` when Google says it is genuine but out of
 * quota; without, as `unverified`.
 * Fails: INVALID_INPUT, KEY_FORMAT, RATE_LIMITED (more than 10 attempts in 10 minutes), KEY_INVALID (Google
 * rejected it; a retired "AIza" key is told so), MODEL_UNAVAILABLE (the key cannot use GEMINI_MODEL),
 * AI_UNAVAILABLE (Google unreachable), KEY_STORE_UNAVAILABLE (KMS or Firestore). On any failure nothing
 * changes: a previous key stays usable.
 */
export const setApiKey = onCall(
  withErrorMapping(async (request: CallableRequest<unknown>): Promise<{ status: ApiKeyStatus }> => {
    const uid = requireUid(request);
    const { apiKey, provider, verify } = parseInput(SetApiKeyInputSchema, request.data);
    const vault = defaultVault();
    await consumeRateLimit({ uid, bucket: "set-api-key", ...setKeyAttempts });

    if (!isWellFormedKey(provider, apiKey)) {
      await vault.audit(uid, provider, { event: "set", outcome: "rejected_format" });
      throw keyFormat(provider);
    }

    let verification: { state: "active" | "quota_exhausted" | "unverified"; verifiedAt?: Date } = { state: "unverified" };
    if (verify) {
      try {
        const state = await verifyGeminiKey(apiKey, { baseUrl: geminiApiBaseUrl(), model: geminiModel.value(), timeoutMs: verifyTimeoutMs });
        verification = { state, verifiedAt: new Date() };
      } catch (error) {
        if (error instanceof AppError) {
          const outcome =
            error.reason === "KEY_INVALID" ? "rejected_by_provider" : error.reason === "MODEL_UNAVAILABLE" ? "model_unavailable" : "provider_unreachable";
          await vault.audit(uid, provider, { event: "set", outcome });
        }
        throw error;
      }
    }

    try {
      return { status: await vault.storeApiKey(uid, provider, apiKey, verification) };
    } catch (error) {
      await vault.audit(uid, provider, { event: "set", outcome: "store_failed" });
      throw error;
    }
  }),
);
