import { FieldValue } from "firebase-admin/firestore";
import type { ApiKeyStatus, KeyEvent } from "../contract";
import * as logs from "../logs";
import type { Provider } from "../providers";
import { apiKeyDoc, auditCollection, auditDocument, type AuditEvent, type KeyState } from "./api-key-store";
import type { VaultContext } from "./vault-context";
import type { ProviderVerdict, ReportedCredit } from "./vault-types";

const stateForVerdict: Record<ProviderVerdict, KeyState> = {
  valid: "active",
  rejected_by_provider: "invalid",
  quota_exhausted: "quota_exhausted",
};

const grpcNotFound = 5;
const grpcFailedPrecondition = 9;
/** A write conditioned on the record as read failed: it changed (FAILED_PRECONDITION) or is gone (NOT_FOUND). */
const changedSinceRead = (error: unknown) => [grpcNotFound, grpcFailedPrecondition].includes((error as { code?: number })?.code ?? -1);

/**
 * What calls and checks made with a key record on it: its state, use count and credit, each update applying
 * only to the key the call used (ApiKeyVault documents each).
 */
export function keyUsageRecords({ db, now, guarded, updateSameKey, changeState, lastReads, creditFields, creditOf, statusOf }: VaultContext) {
  /** recordUse in one write, if the record is as a key read last saw it; false when it is not (or was not seen). */
  async function recordUseAsLastRead(uid: string, provider: Provider, keyId: string, credit: Record<string, unknown>): Promise<boolean> {
    const seen = lastReads.take(uid, provider, keyId);
    if (!seen) return false;
    const ref = apiKeyDoc(db, uid, provider);
    const batch = db.batch().update(ref, { lastUsedAt: now(), usageCount: FieldValue.increment(1), state: "active", ...credit }, { lastUpdateTime: seen.updateTime });
    const event: AuditEvent | undefined = seen.state === "active" ? undefined : { event: "state_change", outcome: "active" };
    if (event) batch.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()));
    try {
      const [written] = await batch.commit();
      lastReads.remember(uid, provider, keyId, { updateTime: written.writeTime, state: "active" });
    } catch (error) {
      if (!changedSinceRead(error)) throw error;
      return false;
    }
    if (event) logs.keyEvent(uid, provider, event);
    return true;
  }

  return {
    markState: (uid: string, provider: Provider, keyId: string, state: KeyState): Promise<void> =>
      guarded(uid, provider, "mark_state", async () => {
        await changeState(uid, provider, keyId, state);
      }),

    recordFailedUse: (uid: string, provider: Provider, keyId: string, verdict: Exclude<ProviderVerdict, "valid">, credit?: ReportedCredit): Promise<void> =>
      guarded(uid, provider, "record_failed_use", async () => {
        const state = stateForVerdict[verdict];
        await updateSameKey(uid, provider, keyId, () => ({
          fields: { state, updatedAt: now(), ...creditFields(credit) },
          event: { event: "use", outcome: verdict, state },
        }));
      }),

    recordUse: (uid: string, provider: Provider, keyId: string, credit?: ReportedCredit): Promise<void> =>
      guarded(uid, provider, "record_use", async () => {
        if (await recordUseAsLastRead(uid, provider, keyId, creditFields(credit))) return;
        await updateSameKey(uid, provider, keyId, (record) => ({
          fields: { lastUsedAt: now(), usageCount: FieldValue.increment(1), state: "active", ...creditFields(credit) },
          ...(record.state === "active" ? {} : { event: { event: "state_change", outcome: "active" } satisfies KeyEvent }),
        }));
      }),

    recordVerification: (uid: string, provider: Provider, keyId: string, verdict: ProviderVerdict, credit?: ReportedCredit): Promise<ApiKeyStatus> =>
      guarded(uid, provider, "record_verification", async () => {
        const state = stateForVerdict[verdict];
        const at = now();
        const { record } = await updateSameKey(uid, provider, keyId, () => ({
          fields: { state, verifiedAt: at, updatedAt: at, ...creditFields(credit) },
          event: { event: "verify", outcome: verdict, state },
        }));
        // The record holds the credit field as written (a Timestamp); the status reads it as a record's, with its time.
        return record ? statusOf({ ...record, ...creditOf(credit, at) }) : { provider, hasKey: false };
      }),
  };
}
