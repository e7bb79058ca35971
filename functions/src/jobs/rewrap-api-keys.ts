import { onSchedule } from "firebase-functions/v2/scheduler";
import { firestore } from "../platform/admin";
import { kmsKeyName } from "../config";
import { keyRewrapServiceAccount } from "../platform/service-accounts";
import { createKmsClient, rewrapKms } from "../vault/kms-key-wrapper";
import { defaultRewrapKmsCalls, rewrapApiKeys as runRewrap } from "../vault/rewrap";

/**
 * Daily: moves every stored key's wrapped data key to the KMS key's current primary version (see
 * vault/rewrap.ts), so that old versions can be disabled after a rotation. `npm run keys:rewrap` runs
 * the same code on demand. Counts go to the log ("key rewrap run"); a run that fails is retried by the
 * next day's, which continues where it stopped.
 *
 * Runs as the key-rewrap service account: KMS encrypt, decrypt and key metadata, nothing else.
 */
export const rewrapApiKeys = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", timeoutSeconds: 540, serviceAccount: keyRewrapServiceAccount },
  async () => {
    const client = createKmsClient();
    const keyName = kmsKeyName.value();
    try {
      await runRewrap(
        firestore(),
        rewrapKms(client, keyName),
        { maxKmsCalls: defaultRewrapKmsCalls },
      );
    } finally {
      await client.close();
    }
  },
);
