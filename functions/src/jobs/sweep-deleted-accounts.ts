import { onSchedule } from "firebase-functions/v2/scheduler";
import { auth, firestore } from "../platform/admin";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { practicesOfAccounts } from "../practices/practice-history";
import { deleteDataOfDeletedAccounts } from "../vault/key-lifecycle";

/**
 * Daily: deletes the key records, rate-limit documents and practice history of uids that no longer have an account
 * (vault/key-lifecycle.ts, deleteDataOfDeletedAccounts), which the deletion trigger (deleteUserKeyData)
 * missed or which were written after it ran. Needs no KMS, but reads Firebase Auth's user records:
 * runs as the key-records service account, which holds roles/firebaseauth.viewer for it.
 */
export const sweepDeletedAccounts = onSchedule(
  { schedule: "every 24 hours", timeoutSeconds: 540, serviceAccount: keyRecordsServiceAccount },
  async () => {
    await deleteDataOfDeletedAccounts(firestore(), auth(), new Date(), practicesOfAccounts(firestore()));
  },
);
