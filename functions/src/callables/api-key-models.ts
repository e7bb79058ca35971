import { countKeyCall } from "../keys/key-call-limits";
import { keyModels } from "../keys/key-models";
import { ApiKeyModelsInputSchema } from "../keys/schemas";
import { keyReaderServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * The models the caller's own key can use for this app (from the provider's live list, filtered to the
 * models that give structured answers; the operator's default and the recommended ones first), their
 * choice, and the operator's default. The list is cached per key record for six hours, so opening
 * Settings does not ask the provider each time; a replaced key gets its own list.
 *
 * Who: any signed-in user, for their own key only.
 * Input: `{ provider: "googleai"|"openai"|"anthropic"|"openrouter" }`.
 * Result: `{ models: [{ id, label, note? }], selected: string | null, default: string }`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 20 calls in a minute), KEY_MISSING (no key for the
 * provider), KEY_INVALID / KEY_NOT_PERMITTED / QUOTA_EXCEEDED (the provider refused to list with the key),
 * AI_UNAVAILABLE (the provider did not answer), KEY_UNREADABLE, KEY_STORE_UNAVAILABLE.
 */
export const apiKeyModels = userCallable({ serviceAccount: keyReaderServiceAccount }, ApiKeyModelsInputSchema, async ({ uid, input }) => {
  await countKeyCall(uid, "apiKeyModels");
  return keyModels(uid, input.provider, defaultVault());
});
