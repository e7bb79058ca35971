import { countKeyCall } from "../keys/key-call-limits";
import { ApiKeyActivityInputSchema } from "../keys/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { defaultVault } from "../vault/api-key-vault";
import { userCallable } from "./user-callable";

/**
 * The caller's own recent key events (Settings' "Recent activity"): saved, replaced, refused, checked,
 * failed uses, state changes, re-wrapped, expired, removed.
 *
 * Who: any signed-in user; only ever their own events.
 * Input: `{ provider?: "googleai"|"openai"|"anthropic" = "googleai", limit?: 1..50 = 20 }`.
 * Result: `{ events: [{ at, event, outcome, state? }] }`, newest first, `at` an ISO time. Outcomes and
 * states only: never a key, a hint or upstream text.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 20 calls in a minute), KEY_STORE_UNAVAILABLE.
 */
export const apiKeyActivity = userCallable({ serviceAccount: keyRecordsServiceAccount }, ApiKeyActivityInputSchema, async ({ uid, input }) => {
  await countKeyCall(uid, "apiKeyActivity");
  return { events: await defaultVault().activity(uid, input.provider, input.limit) };
});
