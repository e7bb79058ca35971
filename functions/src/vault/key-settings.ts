import { FieldValue } from "firebase-admin/firestore";
import type { ApiKeyStatus } from "../contract";
import type { Provider } from "../providers";
import { apiKeyDoc, fromDocument, isExpired, userKeysDoc, userKeySettingsOf, type AuditEvent } from "./api-key-store";
import type { VaultContext } from "./vault-context";
import type { SameKeyOutcome } from "./vault-types";

/**
 * What the user chooses that is not a key: the preferred provider, a key's daily limit and its model
 * (ApiKeyVault documents each).
 */
export function keySettings({ db, now, guarded, statusOf, updateSameKey }: VaultContext) {
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

    storeModelChoice: (uid: string, provider: Provider, keyId: string, model: string | null): Promise<SameKeyOutcome> =>
      guarded(uid, provider, "store_model_choice", async () => {
        const event: AuditEvent = model === null ? { event: "model", outcome: "reset" } : { event: "model", outcome: "chosen", model };
        const { outcome } = await updateSameKey(
          uid,
          provider,
          keyId,
          (record) => ((record.model ?? null) === model ? undefined : { fields: { model: model ?? FieldValue.delete() }, event }),
          { expiredIsMissing: true },
        );
        return outcome;
      }),

    clearRetiredModel: (uid: string, provider: Provider, keyId: string, model: string): Promise<boolean> =>
      guarded(uid, provider, "clear_retired_model", async () => {
        const { outcome } = await updateSameKey(uid, provider, keyId, (record) =>
          record.model === model ? { fields: { model: FieldValue.delete(), updatedAt: now() }, event: { event: "model", outcome: "retired", model } } : undefined,
        );
        return outcome === "stored";
      }),
  };
}
