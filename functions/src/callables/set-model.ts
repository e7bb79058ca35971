import type { SetModelResult } from "../contract";
import { countKeyCall } from "../keys/key-call-limits";
import { chooseModel } from "../keys/key-models";
import { SetModelInputSchema } from "../keys/schemas";
import { keyReaderServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Chooses the model the caller's key runs AI calls on first, or (null) goes back to the operator's
 * default. A model is checked live first, as a key is at save: the provider must serve it to the key
 * (no tokens spent), and it must be one of the key's listed models (apiKeyModels). The choice is stored
 * on the key's record, with a `model` audit event (`chosen` / `reset`); a replaced key starts without it.
 *
 * Who: any signed-in user, for their own key only.
 * Input: `{ provider: "googleai"|"openai"|"anthropic"|"openrouter", model: string (a model id, ≤ 100 of
 * A–Z a–z 0–9 . _ : / -) | null }`. Result: `{ status }` (see apiKeyStatus), with `model` and `defaultModel`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 10 calls in 10 minutes), KEY_MISSING (no key, or it was
 * replaced during the check), MODEL_UNAVAILABLE (the key cannot use that model here: nothing stored),
 * KEY_INVALID / KEY_NOT_PERMITTED (the provider refused the key), AI_UNAVAILABLE (the provider did not
 * answer: nothing stored), KEY_UNREADABLE, KEY_STORE_UNAVAILABLE.
 */
export const setModel = userCallable(
  { serviceAccount: keyReaderServiceAccount, consumeAppCheckToken: true },
  SetModelInputSchema,
  async ({ uid, input }): Promise<SetModelResult> => {
    await countKeyCall(uid, "setModel");
    return { status: await chooseModel(uid, input.provider, input.model, defaultVault()) };
  },
);
