import { setDailyLimit as setKeyDailyLimit } from "../keys/set-daily-limit";
import { SetDailyLimitInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Sets the caller's own daily limit on AI calls made with their key, or clears it (`null`). Calls over
 * the limit are refused with QUOTA_EXCEEDED until midnight UTC, before Gemini is asked.
 *
 * Who: any signed-in user, for their own key only.
 * Input: `{ dailyLimit: 1..10000 | null, provider?: "googleai"|"openai"|"anthropic" = "googleai" }`.
 * Result: `{ status }` (see apiKeyStatus), with `dailyLimit` and `callsToday`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 20 calls in 10 minutes), KEY_MISSING (no key stored: the
 * limit belongs to one), KEY_STORE_UNAVAILABLE.
 */
export const setDailyLimit = userCallable({ serviceAccount: keyRecordsServiceAccount }, SetDailyLimitInputSchema, async ({ uid, input }) => ({
  status: await setKeyDailyLimit(uid, input, defaultVault()),
}));
