import type { ApiKeyStatus, ApiKeyStatuses, KeyActivityEvent } from "../contract";
import { providers, type Provider } from "../providers";
import { activityOf, apiKeyDoc, auditCollection, fromDocument, userKeysDoc, userKeySettingsOf } from "./api-key-store";
import type { VaultContext } from "./vault-context";

/** What the owner may know about their keys without any KMS: status, all statuses, activity (ApiKeyVault documents each). */
export function keyStatusReads({ db, guarded, statusOf }: VaultContext) {
  return {
    status: (uid: string, provider: Provider): Promise<ApiKeyStatus> =>
      guarded(uid, provider, "status", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        return snapshot.exists ? statusOf(fromDocument(snapshot.data()!)) : { provider, hasKey: false };
      }),

    statuses: (uid: string): Promise<Omit<ApiKeyStatuses, "sharedKey">> =>
      guarded(uid, "all", "statuses", async () => {
        const root = userKeysDoc(db, uid);
        const [settings, records] = await Promise.all([root.get(), root.collection("providers").get()]);
        const byProvider = new Map(records.docs.map((record) => [record.id, fromDocument(record.data())]));
        return {
          statuses: providers.map((provider) => {
            const record = byProvider.get(provider);
            return record ? statusOf(record) : { provider, hasKey: false };
          }),
          preferredProvider: userKeySettingsOf(settings.data()).preferredProvider,
        };
      }),

    activity: (uid: string, provider: Provider, limit: number): Promise<KeyActivityEvent[]> =>
      guarded(uid, provider, "activity", async () => {
        const page = await db
          .collection(auditCollection)
          .where("uid", "==", uid)
          .where("provider", "==", provider)
          .orderBy("at", "desc")
          .limit(limit)
          .get();
        return page.docs.map((snapshot) => activityOf(snapshot.data()));
      }),
  };
}
