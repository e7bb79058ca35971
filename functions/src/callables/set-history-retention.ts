import { countKeyCall } from "../keys/key-call-limits";
import { defaultPracticeHistory } from "../practices/practice-history";
import { SetHistoryRetentionInputSchema, type HistoryRetention } from "../practices/schemas";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { userCallable } from "./user-callable";

/**
 * How long the caller's practice history is kept: 30, 90 or 365 days after a practice was last
 * practised, or without limit (`null`); 365 until they choose. Setting it gives every practice they
 * have the new `expireAt` (Firestore's TTL deletes a practice after that time).
 *
 * Who: any signed-in user, for their own history only.
 * Input: `{ retentionDays?: 30|90|365|null }`; without `retentionDays`, only reads the current choice.
 * Result: `{ retentionDays }`.
 * Fails: INVALID_INPUT, RATE_LIMITED (more than 20 calls in 10 minutes).
 */
export const setHistoryRetention = userCallable({ serviceAccount: keyRecordsServiceAccount }, SetHistoryRetentionInputSchema, async ({ uid, input }): Promise<HistoryRetention> => {
  await countKeyCall(uid, "setHistoryRetention");
  return { retentionDays: await defaultPracticeHistory().retention(uid, input.retentionDays) };
});
