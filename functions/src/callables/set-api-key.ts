import { requireActiveAccount } from "../platform/account-status";
import { saveApiKey } from "../keys/save-api-key";
import { SetApiKeyInputSchema } from "../keys/schemas";
import { keyWriterServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * Stores the caller's own provider key, encrypted.
 *
 * Who: any signed-in user, for their own account only, through this project's app. Each call consumes its
 * App Check token (replay protection), so a captured request cannot be re-sent to test more keys.
 * Input: `{ apiKey, provider?: "googleai"|"openai"|"anthropic" = "googleai", verify?: boolean = true, expiresInDays?: 1..365 }`.
 * Result: `{ status }` (see apiKeyStatus). With `verify`, the key is checked live first (can it use the
 * configured model?) and stored as `active`, or `quota_exhausted` when the provider says it is genuine but out of
 * quota; without, as `unverified`. With `expiresInDays`, the key is treated as removed from then on
 * (`status.expiresAt`) and deleted by the scheduled cleanup.
 * Fails: INVALID_INPUT, KEY_FORMAT, RATE_LIMITED (more than 10 attempts in 10 minutes), KEY_INVALID (the provider
 * rejected it; a retired "AIza" key is told so), MODEL_UNAVAILABLE (the key cannot use GEMINI_MODEL),
 * KEY_NOT_PERMITTED (a restricted key without access to models), AI_UNAVAILABLE (the provider unreachable), KEY_STORE_UNAVAILABLE (KMS or Firestore), APP_CHECK_REPLAYED,
 * SESSION_ENDED (`unauthenticated`: the account was deleted or disabled, or its sessions revoked, since
 * the ID token was issued; checked first, so a deleted account's cached token cannot store a key again
 * after the deletion cleanup ran). On any failure nothing changes: a previous key stays usable.
 */
export const setApiKey = userCallable(
  { consumeAppCheckToken: true, serviceAccount: keyWriterServiceAccount },
  SetApiKeyInputSchema,
  async ({ uid, account, input }) => {
    await requireActiveAccount(uid, account.authTime);
    return { status: await saveApiKey(uid, input, defaultVault()) };
  },
);
