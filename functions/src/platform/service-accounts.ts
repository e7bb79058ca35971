/**
 * The service account each function runs as, so that each may do with Cloud KMS only what it needs
 * (least privilege), instead of every function sharing the default compute account. A name ending in
 * "@" is completed by `firebase deploy` with "<project-id>.iam.gserviceaccount.com".
 *
 * deploy/provision.sh creates these accounts and grants exactly these roles; a unit test checks that
 * the two agree. The emulators ignore service accounts.
 *
 * | account | functions | on the KMS key |
 * |---|---|---|
 * | key-writer | setApiKey | encrypt |
 * | key-reader | generateQuestions, generateFeedback, verifyApiKey, apiKeyModels, setModel | decrypt |
 * | key-rewrap | rewrapApiKeys | encrypt and decrypt, and read the key's metadata (its primary version) |
 * | key-records | apiKeyStatus, removeApiKey, setDailyLimit, apiKeyActivity, deleteExpiredApiKeys, deleteUserKeyData, sweepDeletedAccounts | none |
 *
 * Every one of them reads and writes Firestore (roles/datastore.user). Besides, key-writer and key-reader
 * verify App Check tokens (their callables consume them), and key-reader writes Genkit Monitoring telemetry.
 * key-writer, key-reader and key-records read Firebase Auth's user records (roles/firebaseauth.viewer):
 * the first two to refuse deleted, disabled or signed-out accounts, the last for sweepDeletedAccounts.
 */

/** Seals new keys: KMS encrypt only. */
export const keyWriterServiceAccount = "interview-ai-key-writer@";

/** Opens stored keys to use or re-check them: KMS decrypt only. */
export const keyReaderServiceAccount = "interview-ai-key-reader@";

/** Moves wrapped data keys to the current KMS key version: decrypt, encrypt, and read which version is primary. */
export const keyRewrapServiceAccount = "interview-ai-key-rewrap@";

/** Reads, lists and deletes key records without ever opening them: no KMS role at all. */
export const keyRecordsServiceAccount = "interview-ai-key-records@";
