import type { ApiKeyStatus } from "../contract";
import type { Provider } from "../providers";
import { apiKeyDoc, fromDocument, isExpired, userKeysDoc, userKeySettingsOf } from "./api-key-store";
import type { VaultContext } from "./vault-context";

/** What the user chooses that is not a key: the preferred provider and a key's daily limit (ApiKeyVault documents each). */
export function keySettings({ db, now, guarded, statusOf }: VaultContext) {
  return {
    setPreferredProvider: (uid: string, provider: Provider | null): Promise<Provider | null> =>
      guarded(uid, "all", "set_preferred_provider", async () => {
        const root = userKeysDoc(db, uid);
        await db.runTransaction(async (tx) => {
          const current = userKeySettingsOf((await tx.get(root)).data()).preferredProvider;
          if (current !== provider) tx.set(root, { preferredProvider: provider }, { merge: true });
        });
        return provider;
      }),

    setDailyLimit: (uid: string, provider: Provider, dailyLimit: number | null): Promise<ApiKeyStatus | null> =>
      guarded(uid, provider, "set_daily_limit", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        return db.runTransaction(async (tx) => {
          const snapshot = await tx.get(ref);
          if (!snapshot.exists) return null;
          const record = fromDocument(snapshot.data()!);
          if (isExpired(record, now())) return null; // treated as removed
          if ((record.dailyLimit ?? null) === dailyLimit) return statusOf(record);
          tx.update(ref, { dailyLimit });
          return statusOf({ ...record, dailyLimit: dailyLimit ?? undefined });
        });
      }),
  };
}
