import type { Timestamp } from "firebase-admin/firestore";
import * as logs from "../logs";
import { providers, type Provider } from "../providers";
import { apiKeyDoc, fromDocument, isExpired, userKeysDoc, userKeySettingsOf, type ApiKeyRecord, type KeyState } from "./api-key-store";
import { isUnreadableRecordError, openSecret, secretAad } from "./envelope";
import { expireIfDue } from "./key-lifecycle";
import type { VaultContext } from "./vault-context";
import type { KeyReadGate, ProviderKey, StoredKey } from "./vault-types";

/** States in which a stored key is worth trying: not known to be refused, not undecryptable. */
const usableStates: ReadonlySet<KeyState> = new Set<KeyState>(["active", "unverified", "quota_exhausted"]);

/** The vault's reads of plaintext keys (ApiKeyVault's readApiKey and readPreferredApiKey, documented there). */
export function keyReads({ db, wrapper, now, guarded, changeState, lastReads }: VaultContext) {
  /** Records that key `keyId` can never be read again. Best effort: the caller reports KEY_UNREADABLE either way. */
  async function markUnreadable(uid: string, provider: Provider, keyId: string): Promise<void> {
    try {
      await changeState(uid, provider, keyId, "unreadable");
    } catch (error) {
      logs.keyBookkeepingFailed(uid, provider, "mark_unreadable", error);
    }
  }

  /** Decrypts a record just read; one that can never be decrypted again is marked `unreadable` on the way. */
  async function openRecord(uid: string, provider: Provider, record: ApiKeyRecord): Promise<StoredKey> {
    try {
      const apiKey = await openSecret(record.envelope, secretAad(uid, provider), wrapper);
      return {
        apiKey,
        keyId: record.keyId,
        ...(record.dailyLimit === undefined ? {} : { dailyLimit: record.dailyLimit }),
        ...(record.model ? { model: record.model } : {}),
      };
    } catch (error) {
      if (isUnreadableRecordError(error)) await markUnreadable(uid, provider, record.keyId);
      throw error;
    }
  }

  return {
    readApiKey: (uid: string, provider: Provider, gate?: KeyReadGate): Promise<StoredKey | null> =>
      guarded(uid, provider, "read", async () => {
        const snapshot = await apiKeyDoc(db, uid, provider).get();
        await gate?.decryptAfter;
        if (!snapshot.exists) return null;
        const record = fromDocument(snapshot.data()!);
        lastReads.remember(uid, provider, record.keyId, { updateTime: snapshot.updateTime!, state: record.state });
        if (isExpired(record, now())) {
          // Refused exactly like a removed key; deleting it now is what the scheduled cleanup would do later.
          await expireIfDue(db, uid, provider, record.keyId, now());
          return null;
        }
        return openRecord(uid, provider, record);
      }),

    readPreferredApiKey: (uid: string, gate?: KeyReadGate): Promise<ProviderKey | null> =>
      guarded(uid, "all", "read_preferred", async () => {
        const root = userKeysDoc(db, uid);
        const [settings, snapshots] = await Promise.all([root.get(), root.collection("providers").get()]);
        await gate?.decryptAfter;
        const at = now();
        const records = new Map<Provider, ApiKeyRecord>();
        const updateTimes = new Map<Provider, Timestamp>();
        for (const snapshot of snapshots.docs) {
          const record = fromDocument(snapshot.data());
          // An expired key is no key; its deletion is left to the scheduled cleanup (or the next direct read).
          if (isExpired(record, at)) continue;
          records.set(snapshot.id as Provider, record);
          updateTimes.set(snapshot.id as Provider, snapshot.updateTime);
        }
        const { preferredProvider } = userKeySettingsOf(settings.data());
        const order = preferredProvider ? [preferredProvider, ...providers.filter((provider) => provider !== preferredProvider)] : [...providers];
        const withKey = order.filter((provider) => records.has(provider));
        const chosen = withKey.find((provider) => usableStates.has(records.get(provider)!.state)) ?? withKey[0];
        if (!chosen) return null;
        const record = records.get(chosen)!;
        // As readApiKey does: a successful use is then recorded in one conditioned write (key-usage-records.ts).
        lastReads.remember(uid, chosen, record.keyId, { updateTime: updateTimes.get(chosen)!, state: record.state });
        const stored = await guarded(uid, chosen, "read", () => openRecord(uid, chosen, record));
        return { provider: chosen, ...stored };
      }),
  };
}
