import { countKeyCall } from "../keys/key-call-limits";
import { withTodaysUsage } from "../keys/key-usage";
import { ProviderInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * What the caller may know about their stored key: `{ status: { provider, hasKey, hint?, state?,
 * createdAt?, updatedAt?, verifiedAt?, lastUsedAt?, usageCount?, expiresAt?, rotationDue?, dailyLimit?,
 * callsToday? } }`, times as ISO strings; `callsToday` of `dailyLimit` is Settings' "12 of 30 today".
 * Never the key or its ciphertext, and never a KMS call: `state` is what the last use, check or re-wrap
 * found (`unreadable` included). An expired key reads as `hasKey: false`.
 *
 * Who: any signed-in user, for their own account only. Input: `{ provider?: "googleai" }`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 30 calls in a minute), KEY_STORE_UNAVAILABLE.
 */
export const apiKeyStatus = userCallable({ serviceAccount: keyRecordsServiceAccount }, ProviderInputSchema, async ({ uid, input }) => {
  await countKeyCall(uid, "apiKeyStatus");
  return { status: await withTodaysUsage(uid, await defaultVault().status(uid, input.provider)) };
});
