import { mayUseSharedKey } from "../ai/caller-key";
import { allowDefaultKey, defaultKeyDailyCap } from "../config";
import type { ApiKeyStatus, ApiKeyStatuses } from "../contract";
import { countKeyCall } from "../keys/key-call-limits";
import { withTodaysUsage } from "../keys/key-usage";
import { ApiKeyStatusInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * What the caller may know about their stored keys. With a provider: `{ status: { provider, hasKey, hint?,
 * state?, createdAt?, updatedAt?, verifiedAt?, lastUsedAt?, usageCount?, expiresAt?, rotationDue?,
 * dailyLimit?, callsToday?, tokensToday?, costToday?, model?, defaultModel? } }` (`model`: the owner's choice, null for the
 * operator's default, which `defaultModel` names); without: `{ statuses: [one per provider, in the registry's order],
 * preferredProvider: provider | null, sharedKey: { provider, dailyCap } | null }` (`sharedKey`: the app's
 * shared key, when this caller may run on it, so that Practice can say who will pay). Times are ISO strings; `callsToday` of `dailyLimit` is Settings'
 * "12 of 30 today"; `tokensToday` (input, output, thinking) and `costToday` (an estimate dated by the price
 * table, or OpenRouter's reported figure) are today's calls' (docs/models-and-usage.md). Never a key or its ciphertext, and never a KMS call: `state` is what the last use,
 * check or re-wrap found (`unreadable` included). An expired key reads as `hasKey: false`.
 *
 * Who: any signed-in user, for their own account only. Input: `{ provider?: "googleai"|"openai"|"anthropic" }`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 30 calls in a minute), KEY_STORE_UNAVAILABLE.
 */
export const apiKeyStatus = userCallable(
  { serviceAccount: keyRecordsServiceAccount },
  ApiKeyStatusInputSchema,
  async ({ uid, account, input }): Promise<{ status: ApiKeyStatus } | ApiKeyStatuses> => {
    await countKeyCall(uid, "apiKeyStatus");
    if (input.provider) return { status: await withTodaysUsage(uid, await defaultVault().status(uid, input.provider)) };
    const { statuses, preferredProvider } = await defaultVault().statuses(uid);
    const sharedKey = allowDefaultKey.value() && mayUseSharedKey(account) ? { provider: "googleai" as const, dailyCap: defaultKeyDailyCap.value() } : null;
    return { statuses: await Promise.all(statuses.map((status) => withTodaysUsage(uid, status))), preferredProvider, sharedKey };
  },
);
