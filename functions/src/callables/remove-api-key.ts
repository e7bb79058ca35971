import { countKeyCall } from "../keys/key-call-limits";
import { ProviderInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Deletes the caller's stored key and its wrapped data key (crypto-shredding); the next AI call finds no key.
 *
 * Who: any signed-in user, for their own account only.
 * Input: `{ provider?: "googleai" }`. Result: `{ removed }`, false when there was nothing to remove (idempotent,
 * and then nothing is written).
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 10 calls in 10 minutes), KEY_STORE_UNAVAILABLE.
 */
export const removeApiKey = userCallable({ serviceAccount: keyRecordsServiceAccount }, ProviderInputSchema, async ({ uid, input }) => {
  await countKeyCall(uid, "removeApiKey");
  return { removed: await defaultVault().removeApiKey(uid, input.provider) };
});
