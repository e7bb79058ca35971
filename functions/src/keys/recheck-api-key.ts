import { aiUnavailable, keyMissing, keyNotPermitted, modelUnavailable } from "../errors";
import { providerInfo, type Provider } from "../providers";
import { consumeRateLimit } from "../limits/rate-limit";
import type { ApiKeyStatus, ApiKeyVault } from "../vault/api-key-vault";
import { checkKey } from "./verify-key";

/**
 * Each check sends the stored key to its provider. Five per user per ten minutes is plenty for "Check
 * again" after fixing something in the provider's console, and keeps the button from becoming a way to
 * hammer the provider.
 */
export const recheckAttempts = { limit: 5, windowSeconds: 600 };

/**
 * Re-checks the caller's stored key with its provider now, the same check `setApiKey` makes, and records
 * the verdict: `active`, `invalid` (the provider refused it) or `quota_exhausted`, with `verifiedAt` now
 * (and the key's credit, for a provider that reports it).
 * A verdict is a result, not an error. No answer, a model the provider does not serve to this key, or a
 * key lacking a permission changes nothing and fails AI_UNAVAILABLE, MODEL_UNAVAILABLE or
 * KEY_NOT_PERMITTED. No key: KEY_MISSING; an unreadable one: KEY_UNREADABLE.
 */
export async function recheckApiKey(uid: string, provider: Provider, vault: ApiKeyVault): Promise<ApiKeyStatus> {
  await consumeRateLimit({ uid, bucket: "verify-api-key", ...recheckAttempts });
  const stored = await vault.readApiKey(uid, provider);
  if (!stored) throw keyMissing(provider);

  const { check, model, credit } = await checkKey(provider, stored.apiKey);
  switch (check) {
    case "valid":
    case "rejected_by_provider":
    case "quota_exhausted":
      return vault.recordVerification(uid, provider, stored.keyId, check, credit);
    case "not_permitted":
      await vault.audit(uid, provider, { event: "verify", outcome: "not_permitted" });
      throw keyNotPermitted(provider, "checking");
    case "model_unavailable":
      await vault.audit(uid, provider, { event: "verify", outcome: "model_unavailable" });
      throw modelUnavailable(provider, model, "checking");
    case "unreachable":
    case "no_answer":
      await vault.audit(uid, provider, { event: "verify", outcome: "provider_unreachable" });
      throw aiUnavailable(`${providerInfo[provider].company} could not be reached to check your key. Nothing was changed; try again in a moment.`);
  }
}
