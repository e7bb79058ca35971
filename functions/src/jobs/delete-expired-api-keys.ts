import { onSchedule } from "firebase-functions/v2/scheduler";
import { firestore } from "../platform/admin";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { deleteExpiredApiKeys as runCleanup } from "../vault/key-lifecycle";

/**
 * Hourly: deletes the keys whose owner-chosen expiry (`setApiKey`'s `expiresInDays`) has passed, auditing
 * each as `expire`. An expired key is already refused at use like a removed one; this removes its
 * ciphertext and wrapped data key for good. Needs no KMS: runs as the key-records service account.
 */
export const deleteExpiredApiKeys = onSchedule(
  { schedule: "every 60 minutes", timeoutSeconds: 300, serviceAccount: keyRecordsServiceAccount },
  async () => {
    await runCleanup(firestore(), new Date());
  },
);
