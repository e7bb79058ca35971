import type { RemoveApiKeyResult } from "../contract";
import { countKeyCall } from "../keys/key-call-limits";
import { RemoveApiKeyInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Deletes the caller's stored key and its wrapped data key (crypto-shredding); the next AI call finds no
 * key for that provider. With `provider: "all"`, every key the caller has, in one transaction with an
 * audit event each (all go, or on a failure none does).
 *
 * Who: any signed-in user, for their own account only.
 * Input: `{ provider?: "googleai"|"openai"|"anthropic"|"all" = "googleai" }`. Result: `{ removed }`, false
 * when there was nothing to remove (idempotent, and then nothing is written); with "all" also
 * `removedProviders`, the keys that were removed.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 10 calls in 10 minutes), KEY_STORE_UNAVAILABLE.
 */
export const removeApiKey = userCallable(
  { serviceAccount: keyRecordsServiceAccount },
  RemoveApiKeyInputSchema,
  async ({ uid, input }): Promise<RemoveApiKeyResult> => {
    await countKeyCall(uid, "removeApiKey");
    if (input.provider !== "all") return { removed: await defaultVault().removeApiKey(uid, input.provider) };
    const removedProviders = await defaultVault().removeAllApiKeys(uid);
    return { removed: removedProviders.length > 0, removedProviders };
  },
);
