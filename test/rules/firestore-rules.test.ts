import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { addDoc, collection, deleteDoc, doc, getDoc, getDocs, limit, orderBy, query, setDoc, setLogLevel, updateDoc } from "firebase/firestore";
import { loadStackConfig, repoRoot } from "../../dev/stack-config";

/**
 * The web app reads Firestore only for its owner's practice history: a signed-in user may read and delete
 * their own practices and nothing else; every client, signed in or not, is refused everywhere else,
 * including a signed-in owner on their own key record. Runs against the real Firestore emulator under
 * its own demo project, so clearing data here never touches the other tests' data.
 */
describe("firestore.rules", () => {
  let env: RulesTestEnvironment;
  const owner = "owner-uid";
  const ownKey = `apiKeys/${owner}/providers/googleai`;
  const othersKey = "apiKeys/someone-else/providers/googleai";
  const auditEvent = "apiKeyAudit/event-1";
  const ownPractice = `users/${owner}/practices/practice-1`;
  const othersPractice = "users/someone-else/practices/practice-2";

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
      await setDoc(doc(db, ownPractice), { jobTitle: "Engineer", overallScore: 70, createdAt: new Date() });
      await setDoc(doc(db, othersPractice), { jobTitle: "Designer", overallScore: 40, createdAt: new Date() });
      await setDoc(doc(db, `users/${owner}`), { historyRetentionDays: 30 });
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

  describe("practice history", () => {
    it("lets the signed-in owner read, list and query their own practices", async () => {
      const db = env.authenticatedContext(owner).firestore();
      const practice = await assertSucceeds(getDoc(doc(db, ownPractice)));
      if (practice.get("jobTitle") !== "Engineer") throw new Error("the owner's read returned another document");
      await assertSucceeds(getDocs(collection(db, `users/${owner}/practices`)));
      await assertSucceeds(getDocs(query(collection(db, `users/${owner}/practices`), orderBy("createdAt", "desc"), limit(10))));
    });

    it("lets the signed-in owner delete their own practice", async () => {
      const db = env.authenticatedContext(owner).firestore();
      await assertSucceeds(deleteDoc(doc(db, ownPractice)));
      await env.withSecurityRulesDisabled(async (context) => {
        if ((await getDoc(doc(context.firestore(), ownPractice))).exists()) throw new Error("the practice is still there");
      });
    });

    it("never lets a client create, replace or update a practice, not even its owner", async () => {
      const db = env.authenticatedContext(owner).firestore();
      await assertFails(setDoc(doc(db, `users/${owner}/practices/forged`), { jobTitle: "Forged", overallScore: 100 }));
      await assertFails(addDoc(collection(db, `users/${owner}/practices`), { jobTitle: "Forged", overallScore: 100 }));
      await assertFails(setDoc(doc(db, ownPractice), { jobTitle: "Engineer", overallScore: 100 }));
      await assertFails(updateDoc(doc(db, ownPractice), { overallScore: 100 }));
    });

    it("keeps the owner's history settings and everything else under users/{uid} closed", async () => {
      const db = env.authenticatedContext(owner).firestore();
      await assertFails(getDoc(doc(db, `users/${owner}`)));
      await assertFails(setDoc(doc(db, `users/${owner}`), { historyRetentionDays: null }));
      await assertFails(getDoc(doc(db, `users/${owner}/other/x`)));
    });

    for (const [who, context] of [
      ["another signed-in user", () => env.authenticatedContext("intruder-uid")],
      ["a signed-out client", () => env.unauthenticatedContext()],
    ] as Array<[string, () => RulesTestContext]>) {
      it(`refuses ${who} every read, list and delete of someone's practices`, async () => {
        const db = context().firestore();
        await assertFails(getDoc(doc(db, ownPractice)));
        await assertFails(getDocs(collection(db, `users/${owner}/practices`)));
        await assertFails(deleteDoc(doc(db, ownPractice)));
        await assertFails(setDoc(doc(db, ownPractice), { overallScore: 100 }));
      });
    }

    it("still refuses the owner their own key record while they may read their practices", async () => {
      const db = env.authenticatedContext(owner).firestore();
      await assertSucceeds(getDoc(doc(db, ownPractice)));
      await assertFails(getDoc(doc(db, ownKey)));
      await assertFails(getDocs(collection(db, `apiKeys/${owner}/providers`)));
    });
  });

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
