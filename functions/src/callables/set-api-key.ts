import { saveApiKey } from "../keys/save-api-key";
import { SetApiKeyInputSchema } from "../keys/schemas";
import { keyWriterServiceAccount } from "../service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Stores the caller's own provider key, encrypted.
 *
 * Who: any signed-in user, for their own account only, through this project's app. Each call consumes its
 * App Check token (replay protection), so a captured request cannot be re-sent to test more keys.
 * Input: `{ apiKey, provider?: "googleai", verify?: boolean = true, expiresInDays?: 1..365 }`.
 * Result: `{ status }` (see apiKeyStatus). With `verify`, the key is checked live first (can it use the
 * configured model?) and stored as `active`, or `quota_exhausted` when Google says it is genuine but out of
 * quota; without, as `unverified`. With `expiresInDays`, the key is treated as removed from then on
 * (`status.expiresAt`) and deleted by the scheduled cleanup.
 * Fails: INVALID_INPUT, KEY_FORMAT, RATE_LIMITED (more than 10 attempts in 10 minutes), KEY_INVALID (Google
 * rejected it; a retired "AIza" key is told so), MODEL_UNAVAILABLE (the key cannot use GEMINI_MODEL),
 * AI_UNAVAILABLE (Google unreachable), KEY_STORE_UNAVAILABLE (KMS or Firestore), APP_CHECK_REPLAYED. On
 * any failure nothing changes: a previous key stays usable.
 */
export const setApiKey = userCallable({ consumeAppCheckToken: true, serviceAccount: keyWriterServiceAccount }, SetApiKeyInputSchema, async ({ uid, input }) => ({
  status: await saveApiKey(uid, input, defaultVault()),
}));
