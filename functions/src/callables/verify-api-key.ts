import { withTodaysUsage } from "../keys/key-usage";
import { recheckApiKey } from "../keys/recheck-api-key";
import { ProviderInputSchema } from "../keys/schemas";
import { keyReaderServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Re-checks the caller's stored key with its provider now (Settings' "Check again") and records the verdict.
 *
 * Who: any signed-in user, for their own key only.
 * Input: `{ provider?: "googleai"|"openai"|"anthropic" = "googleai" }`.
 * Result: `{ status }` (see apiKeyStatus), its `state` now `active`, `invalid` or `quota_exhausted` and
 * `verifiedAt` now. The provider refusing the key is a result (`invalid`), not an error.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 5 checks in 10 minutes), KEY_MISSING (no key, or it expired),
 * KEY_UNREADABLE, MODEL_UNAVAILABLE and AI_UNAVAILABLE (the provider could not say; nothing changed), KEY_NOT_PERMITTED (the key lacks a permission),
 * KEY_STORE_UNAVAILABLE.
 */
export const verifyApiKey = userCallable({ serviceAccount: keyReaderServiceAccount }, ProviderInputSchema, async ({ uid, input }) => ({
  status: await withTodaysUsage(uid, await recheckApiKey(uid, input.provider, defaultVault())),
}));
