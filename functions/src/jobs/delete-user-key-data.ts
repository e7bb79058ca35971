import { runWith } from "firebase-functions/v1";
import { firestore } from "../platform/admin";
import * as logs from "../logs";
import { deleteUserPractices } from "../practices/practice-history";
import { keyRecordsServiceAccount } from "../platform/service-accounts";
import { deleteAccountKeyData } from "../vault/key-lifecycle";

/**
 * When a Firebase Auth account is deleted, its stored keys (`apiKeys/{uid}/**`, crypto-shredded with
 * their wrapped data keys) and its rate-limit documents (`rateLimits/{uid}/**`) go with it; each key's
 * removal is audited as `account_deleted`. A v1 trigger: `auth.user().onDelete` is GA, the v2 one is a
 * preview. Retried on failure (the deletion is idempotent), so a Firestore hiccup does not leave a
 * deleted user's key behind. Needs no KMS: runs as the key-records service account. Their practice
 * history (`users/{uid}/**`) goes too.
 */
export const deleteUserKeyData = runWith({ serviceAccount: keyRecordsServiceAccount, failurePolicy: true })
  .auth.user()
  .onDelete(async (user) => {
    const [{ keysDeleted }] = await Promise.all([deleteAccountKeyData(firestore(), user.uid, new Date()), deleteUserPractices(firestore(), user.uid)]);
    logs.accountKeyDataDeleted(user.uid, keysDeleted);
  });
