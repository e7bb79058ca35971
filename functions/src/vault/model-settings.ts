import { Timestamp, type Firestore } from "firebase-admin/firestore";
import type { ModelOption } from "../contract";
import type { Provider } from "../providers";
import { apiKeyDoc, fromDocument, isExpired, userKeysDoc } from "./api-key-store";
import { guarded } from "./vault-context";

/**
 * The model side of a key record: the owner's choice (the record's `model` field, see api-key-store.ts)
 * and the key's model list, cached in `apiKeys/{uid}/modelLists/{provider}` as
 * `{ keyId, fetchedAt, models: [{ id, label, note? }] }` — model ids and names only, never the key. The
 * list is the record's: it is used only while the record's `keyId` is the one it was fetched with, so a
 * replaced key never sees its predecessor's list; the account's deletion removes it with everything else
 * under `apiKeys/{uid}`. The choice itself is stored and cleared by the vault (key-settings.ts).
 */

/** How long a key's model list is used before the provider is asked again. */
export const modelListMaxAgeMs = 6 * 60 * 60 * 1000;

export function modelListDoc(db: Firestore, uid: string, provider: Provider) {
  return userKeysDoc(db, uid).collection("modelLists").doc(provider);
}

/** A key's model settings as read: its record's id, the owner's choice, and its cached list when fresh. */
export interface KeyModelSettings {
  keyId: string;
  model: string | null;
  cachedModels?: ModelOption[];
}

/**
 * The key record's model settings and its cached list (read side by side, no KMS); null when there is
 * no key, or it has expired (then it is treated as removed).
 */
export function readKeyModelSettings(db: Firestore, uid: string, provider: Provider, now: Date): Promise<KeyModelSettings | null> {
  return guarded(uid, provider, "read_model_settings", async () => {
    const [record, list] = await Promise.all([apiKeyDoc(db, uid, provider).get(), modelListDoc(db, uid, provider).get()]);
    if (!record.exists) return null;
    const stored = fromDocument(record.data()!);
    if (isExpired(stored, now)) return null;
    const cached = list.data();
    const fresh =
      cached?.keyId === stored.keyId &&
      cached.fetchedAt instanceof Timestamp &&
      now.getTime() - cached.fetchedAt.toMillis() < modelListMaxAgeMs &&
      Array.isArray(cached.models);
    return { keyId: stored.keyId, model: stored.model ?? null, ...(fresh ? { cachedModels: cached.models as ModelOption[] } : {}) };
  });
}

/**
 * Keeps key `keyId`'s model list, in a transaction that writes it only while `keyId` is still the stored
 * key (a list fetched with a key replaced meanwhile is dropped). Best effort for the caller: the list was
 * read either way.
 */
export function storeModelList(db: Firestore, uid: string, provider: Provider, keyId: string, models: ModelOption[], now: Date): Promise<void> {
  return guarded(uid, provider, "store_model_list", () =>
    db.runTransaction(async (tx) => {
      const record = await tx.get(apiKeyDoc(db, uid, provider));
      if (!record.exists || record.get("keyId") !== keyId) return;
      tx.set(modelListDoc(db, uid, provider), { keyId, fetchedAt: Timestamp.fromDate(now), models });
    }),
  );
}
