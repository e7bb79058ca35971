import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertFails,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, setLogLevel, updateDoc } from "firebase/firestore";
import { loadStackConfig, repoRoot } from "../../dev/stack-config";

/**
 * The web app never talks to Firestore: every client, signed in or not, is refused everywhere,
 * including a signed-in owner on their own key record. Runs against the real Firestore emulator under
 * its own demo project, so clearing data here never touches the other tests' data.
 */
describe("firestore.rules", () => {
  let env: RulesTestEnvironment;
  const owner = "owner-uid";
  const ownKey = `apiKeys/${owner}/providers/googleai`;
  const othersKey = "apiKeys/someone-else/providers/googleai";
  const auditEvent = "apiKeyAudit/event-1";

  before(async () => {
    setLogLevel("error"); // each refused write is otherwise logged as a warning
    const { firestore } = loadStackConfig();
    env = await initializeTestEnvironment({
      projectId: "demo-rules-test",
      firestore: { host: firestore.host, port: firestore.port, rules: readFileSync(join(repoRoot, "firestore.rules"), "utf8") },
    });
  });

  beforeEach(async () => {
    await env.clearFirestore();
    // Documents exist, as they would in production, so a read that "succeeds" would return real data.
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, ownKey), { hint: "AQ.…abcd", state: "active", envelope: { ciphertext: "opaque" } });
      await setDoc(doc(db, othersKey), { hint: "AQ.…wxyz", state: "active" });
      await setDoc(doc(db, auditEvent), { uid: owner, event: "set", outcome: "stored" });
    });
  });

  after(async () => {
    await env?.cleanup();
  });

  const callers: Array<[string, () => RulesTestContext]> = [
    ["a signed-out client", () => env.unauthenticatedContext()],
    ["the signed-in owner", () => env.authenticatedContext(owner)],
    ["another signed-in user", () => env.authenticatedContext("intruder-uid")],
  ];

  for (const [who, context] of callers) {
    describe(who, () => {
      it("cannot read, list or query key records", async () => {
        const db = context().firestore();
        await assertFails(getDoc(doc(db, ownKey)));
        await assertFails(getDoc(doc(db, othersKey)));
        await assertFails(getDocs(collection(db, `apiKeys/${owner}/providers`)));
        await assertFails(getDoc(doc(db, `apiKeys/${owner}`)));
      });

      it("cannot create, replace, update or delete key records", async () => {
        const db = context().firestore();
        await assertFails(setDoc(doc(db, `apiKeys/${owner}/providers/other`), { hint: "x" }));
        await assertFails(setDoc(doc(db, ownKey), { state: "active" }));
        await assertFails(updateDoc(doc(db, ownKey), { state: "active" }));
        await assertFails(deleteDoc(doc(db, ownKey)));
        await assertFails(deleteDoc(doc(db, othersKey)));
      });

      it("cannot read or write the audit trail", async () => {
        const db = context().firestore();
        await assertFails(getDoc(doc(db, auditEvent)));
        await assertFails(getDocs(collection(db, "apiKeyAudit")));
        await assertFails(setDoc(doc(db, "apiKeyAudit/forged"), { uid: owner, event: "remove", outcome: "removed" }));
        await assertFails(deleteDoc(doc(db, auditEvent)));
      });

      it("cannot reach any other path either", async () => {
        const db = context().firestore();
        await assertFails(setDoc(doc(db, "anything/at-all"), { x: 1 }));
        await assertFails(getDoc(doc(db, "anything/at-all")));
      });
    });
  }
});
