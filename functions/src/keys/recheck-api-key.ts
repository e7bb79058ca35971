import { geminiApiBaseUrl, geminiModel } from "../config";
import { aiUnavailable, keyMissing, modelUnavailable } from "../errors";
import type { Provider } from "../providers";
import { consumeRateLimit } from "../rate-limit";
import type { ApiKeyStatus, ApiKeyVault } from "../vault/api-key-vault";
import { checkGeminiKey } from "./verify-gemini-key";

const checkTimeoutMs = 8_000;

/**
 * Each check sends the stored key to Google. Five per user per ten minutes is plenty for "Check again"
 * after fixing something in AI Studio, and keeps the button from becoming a way to hammer Google.
 */
const recheckAttempts = { limit: 5, windowSeconds: 600 };

/**
 * Re-checks the caller's stored key with Google now, the same check `setApiKey` makes, and records the
 * verdict: `active`, `invalid` (Google refused it) or `quota_exhausted`, with `verifiedAt` now. A verdict
 * is a result, not an error. No answer from Google, or a model it does not serve to this key, changes
 * nothing and fails AI_UNAVAILABLE or MODEL_UNAVAILABLE. No key: KEY_MISSING; an unreadable one: KEY_UNREADABLE.
 */
export async function recheckApiKey(uid: string, provider: Provider, vault: ApiKeyVault): Promise<ApiKeyStatus> {
  await consumeRateLimit({ uid, bucket: "verify-api-key", ...recheckAttempts });
  const stored = await vault.readApiKey(uid, provider);
  if (!stored) throw keyMissing();

  const model = geminiModel.value();
  const check = await checkGeminiKey(stored.apiKey, { baseUrl: geminiApiBaseUrl(), model, timeoutMs: checkTimeoutMs });
  switch (check) {
    case "valid":
    case "rejected_by_provider":
    case "quota_exhausted":
      return vault.recordVerification(uid, provider, stored.keyId, check);
    case "model_unavailable":
      await vault.audit(uid, provider, { event: "verify", outcome: "model_unavailable" });
      throw modelUnavailable(model, "checking");
    case "unreachable":
    case "no_answer":
      await vault.audit(uid, provider, { event: "verify", outcome: "provider_unreachable" });
      throw aiUnavailable("Google could not be reached to check your key. Nothing was changed; try again in a moment.");
  }
}
