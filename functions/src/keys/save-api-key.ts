import { geminiApiBaseUrl, geminiModel } from "../config";
import { AppError, keyFormat } from "../errors";
import { isWellFormedKey } from "../providers";
import { consumeRateLimit } from "../rate-limit";
import type { ApiKeyStatus, ApiKeyVault, KeyState } from "../vault/api-key-vault";
import type { SetApiKeyInput } from "./schemas";
import { verifyGeminiKey } from "./verify-gemini-key";

const verifyTimeoutMs = 8_000;

/**
 * Each attempt asks Google about a key, so without a bound setApiKey would let anyone with an account
 * test stolen keys at our expense. Ten attempts per user per ten minutes is plenty for typos.
 */
const setKeyAttempts = { limit: 10, windowSeconds: 600 };

/**
 * Saves a user's key: counts the attempt, checks the format, checks the key live with the provider
 * (unless `verify` is off), then seals and stores it. Every refusal is audited (outcome only, never the
 * key) and thrown as an AppError; nothing is stored unless every step passed, so a previous key stays.
 */
export async function saveApiKey(uid: string, { apiKey, provider, verify, expiresInDays }: SetApiKeyInput, vault: ApiKeyVault): Promise<ApiKeyStatus> {
  await consumeRateLimit({ uid, bucket: "set-api-key", ...setKeyAttempts });

  if (!isWellFormedKey(provider, apiKey)) {
    await vault.audit(uid, provider, { event: "set", outcome: "rejected_format" });
    throw keyFormat(provider);
  }

  let verification: { state: KeyState; verifiedAt?: Date } = { state: "unverified" };
  if (verify) {
    try {
      const state = await verifyGeminiKey(apiKey, { baseUrl: geminiApiBaseUrl(), model: geminiModel.value(), timeoutMs: verifyTimeoutMs });
      verification = { state, verifiedAt: new Date() };
    } catch (error) {
      if (error instanceof AppError) await vault.audit(uid, provider, { event: "set", outcome: refusalOutcome(error) });
      throw error;
    }
  }

  try {
    return await vault.storeApiKey(uid, provider, apiKey, verification, expiresInDays === undefined ? {} : { expiresInDays });
  } catch (error) {
    await vault.audit(uid, provider, { event: "set", outcome: "store_failed" });
    throw error;
  }
}

function refusalOutcome(error: AppError) {
  switch (error.reason) {
    case "KEY_INVALID":
      return "rejected_by_provider" as const;
    case "MODEL_UNAVAILABLE":
      return "model_unavailable" as const;
    default:
      return "provider_unreachable" as const;
  }
}
