import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { firestore } from "../platform/admin";
import * as logs from "../logs";
import type { Provider } from "../providers";
import { apiKeyDoc, auditCollection, auditDocument, fromDocument, type AuditEvent } from "./api-key-store";

/**
 * Clears a user's model choice that the provider retired (issue 19): the call that found the model gone
 * (404) fell back to the next model, and from now on the operator's default is used. One transaction,
 * conditional: only if the record still holds key `keyId` and its choice is still `model` (the user may
 * have replaced the key or chosen another model meanwhile), with the audit event
 * `{ event: "model", outcome: "retired", model }`. True when it cleared the choice.
 */
export async function clearRetiredModel(
  uid: string,
  provider: Provider,
  keyId: string,
  model: string,
  db: Firestore = firestore(),
  now: () => Date = () => new Date(),
): Promise<boolean> {
  const ref = apiKeyDoc(db, uid, provider);
  const event: AuditEvent = { event: "model", outcome: "retired", model };
  const cleared = await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) return false;
    const stored = fromDocument(snapshot.data()!);
    if (stored.keyId !== keyId || stored.model !== model) return false;
    tx.update(ref, { model: FieldValue.delete(), updatedAt: now() });
    tx.create(db.collection(auditCollection).doc(), auditDocument(uid, provider, event, now()));
    return true;
  });
  if (cleared) logs.keyEvent(uid, provider, event);
  return cleared;
}
