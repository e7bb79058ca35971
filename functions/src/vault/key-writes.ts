import { randomUUID } from "node:crypto";
import type { ApiKeyStatus } from "../contract";
import * as logs from "../logs";
import { keyHint, providers, type Provider } from "../providers";
import { apiKeyDoc, auditCollection, auditDocument, fromDocument, toDocument, userKeysDoc, type ApiKeyRecord, type AuditEvent } from "./api-key-store";
import { sealSecret, secretAad } from "./envelope";
import { modelListDoc } from "./model-settings";
import { dayMs, type VaultContext } from "./vault-context";
import type { Verification } from "./vault-types";

const grpcNotFound = 5;

/** The vault's writes of whole keys: store (or replace), remove, remove all (ApiKeyVault documents each). */
export function keyWrites({ db, wrapper, now, guarded, statusOf, creditOf }: VaultContext) {
  return {
    storeApiKey: (uid: string, provider: Provider, apiKey: string, verification: Verification, { expiresInDays }: { expiresInDays?: number } = {}): Promise<ApiKeyStatus> =>
      guarded(uid, provider, "store", async () => {
        // Seal before touching Firestore: a KMS failure leaves the previous record exactly as it was.
        const envelope = await sealSecret(apiKey, secretAad(uid, provider), wrapper);
        const at = now();
        const record: ApiKeyRecord = {
          keyId: randomUUID(),
          provider,
          envelope,
          hint: keyHint(provider, apiKey),
          state: verification.state,
          createdAt: at,
          updatedAt: at,
          verifiedAt: verification.verifiedAt,
          usageCount: 0,
          ...(expiresInDays === undefined ? {} : { expiresAt: new Date(at.getTime() + expiresInDays * dayMs) }),
          ...creditOf(verification.credit, at),
        };
        const ref = apiKeyDoc(db, uid, provider);
        const { event, stored } = await db.runTransaction(async (tx) => {
          const previous = await tx.get(ref);
          const event: AuditEvent = { event: "set", outcome: previous.exists ? "replaced" : "stored", state: record.state };
          // The user's daily limit is theirs, not the key's: a replaced key keeps it.
          const dailyLimit = previous.exists ? fromDocument(previous.data()!).dailyLimit : undefined;
          const stored = dailyLimit === undefined ? record : { ...record, dailyLimit };
          tx.set(ref, toDocument(stored));
          tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, at));
          return { event, stored };
        });
        logs.keyEvent(uid, provider, event);
        return statusOf(stored);
      }),

    removeApiKey: (uid: string, provider: Provider): Promise<boolean> =>
      guarded(uid, provider, "remove", async () => {
        const ref = apiKeyDoc(db, uid, provider);
        const event: AuditEvent = { event: "remove", outcome: "removed" };
        // One commit, no read: the delete applies only if there is a record, and its audit event and the
        // key's cached model list with it. Nothing to remove changes nothing, so it leaves no audit document
        // (a log line only).
        const removed = await db
          .batch()
          .delete(ref, { exists: true })
          .delete(modelListDoc(db, uid, provider))
          .create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()))
          .commit()
          .then(
            () => true,
            (error: unknown) => {
              if ((error as { code?: number })?.code === grpcNotFound) return false;
              throw error;
            },
          );
        logs.keyEvent(uid, provider, removed ? event : { event: "remove", outcome: "absent" });
        return removed;
      }),

    removeAllApiKeys: async (uid: string): Promise<Provider[]> => {
      const removed = await guarded(uid, "all", "remove_all", () =>
        db.runTransaction(async (tx) => {
          const records = await tx.get(userKeysDoc(db, uid).collection("providers"));
          const at = now();
          for (const record of records.docs) {
            tx.delete(record.ref);
            tx.delete(modelListDoc(db, uid, record.id as Provider));
            tx.create(db.collection(auditCollection).doc(), auditDocument(uid, record.id as Provider, { event: "remove", outcome: "removed" }, at));
          }
          return records.docs.map((record) => record.id as Provider);
        }),
      );
      for (const provider of removed) logs.keyEvent(uid, provider, { event: "remove", outcome: "removed" });
      return providers.filter((provider) => removed.includes(provider));
    },
  };
}
