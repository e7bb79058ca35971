import { countKeyCall } from "../keys/key-call-limits";
import { SetPreferredProviderInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Sets the provider whose key the AI callables use when a call names none (null: no preference, the first
 * provider with a usable key pays). A preference for a provider without a usable key is kept but passed
 * over until that provider has one.
 *
 * Who: any signed-in user, for their own account only.
 * Input: `{ provider: "googleai"|"openai"|"anthropic"|null }`. Result: `{ preferredProvider }`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 20 settings changes in 10 minutes), KEY_STORE_UNAVAILABLE.
 */
export const setPreferredProvider = userCallable({ serviceAccount: keyRecordsServiceAccount }, SetPreferredProviderInputSchema, async ({ uid, input }) => {
  await countKeyCall(uid, "setPreferredProvider");
  return { preferredProvider: await defaultVault().setPreferredProvider(uid, input.provider) };
});
