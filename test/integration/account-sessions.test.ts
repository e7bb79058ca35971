import assert from "node:assert/strict";
import { practicesOfAccounts } from "../../functions/src/practices/practice-history";
import { deleteDataOfDeletedAccounts } from "../../functions/src/vault/key-lifecycle";
import { adminAuth, adminDb } from "../support/admin";
import { randomUUID } from "node:crypto";
import { generateRequestsFor, questionsRequest } from "../support/ai";
import { assertCallFails, disposeClients, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { waitUntil } from "../support/wait";

/**
 * An ID token outlives what happens to its account for up to an hour, and firebase-functions checks it
 * without revocation. The callables that store or spend a key ask Firebase Auth (here the Auth emulator)
 * themselves; a daily sweep removes what a deleted account left behind anyway.
 */

const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);
const auditOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => `${String(d.get("event"))}:${String(d.get("outcome"))}`);

/** The token's `auth_time`, in seconds. */
async function authTimeOf(user: { idToken(): Promise<string> }): Promise<number> {
  const payload = (await user.idToken()).split(".")[1];
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { auth_time: number }).auth_time;
}

type SignedUp = Awaited<ReturnType<typeof signUpNewUser>>;

/** A signed-up user with a stored key, and a tag that traces their provider requests. */
async function userWithKey(): Promise<SignedUp & { tag: string }> {
  const user = { ...(await signUpNewUser()), tag: `team-${randomUUID().slice(0, 8)}` };
  await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
  return user;
}

/** Revokes the user's sessions as an operator does; Auth counts revocation in whole seconds, so after their sign-in's second. */
async function revokeSessions(user: SignedUp): Promise<void> {
  const authTime = await authTimeOf(user);
  await waitUntil("a second has passed since the sign-in", () => Promise.resolve(Math.floor(Date.now() / 1000) > authTime), { timeoutMs: 5_000 });
  await adminAuth().revokeRefreshTokens(user.uid);
}

describe("deleted, disabled and signed-out accounts (Auth emulator)", function () {
  this.timeout(90_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  it("refuses setApiKey from a deleted account's still-valid token, after the deletion cleanup ran: nothing is stored again", async () => {
    const user = await signUpNewUser();
    await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    // Deleted by an operator (or another device): this page still holds the account's ID token.
    await adminAuth().deleteUser(user.uid);
    await waitUntil("the deletion trigger removed the key record", async () => !(await keyDoc(user.uid).get()).exists);

    const error = await assertCallFails(user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false }), { code: "unauthenticated", reason: "SESSION_ENDED" });
    assert.equal((error.details as { action?: string }).action, "sign_in", "the web app asks the user to sign in again");
    assert.equal((await adminDb().doc(`apiKeys/${user.uid}`).listCollections()).length, 0, "no key record recreated");
  });

  for (const [what, endSession] of [
    ["disabled", (user: SignedUp) => adminAuth().updateUser(user.uid, { disabled: true }).then(() => undefined)],
    ["signed out everywhere (sessions revoked)", revokeSessions],
    ["deleted", (user: SignedUp) => adminAuth().deleteUser(user.uid)],
  ] as const) {
    it(`refuses the AI callables and setApiKey for an account ${what} since its token: SESSION_ENDED, and nothing reaches the provider`, async () => {
      const user = await userWithKey();
      await user.call("generateQuestions", questionsRequest(user));
      assert.equal(generateRequestsFor(user).length, 1);

      await endSession(user);

      for (const name of ["generateQuestions", "generateFeedback"]) {
        const data = name === "generateQuestions" ? questionsRequest(user) : { jobTitle: `Engineer (${user.tag})`, items: [{ question: "Why?", answer: "Because." }] };
        await assertCallFails(user.call(name, data), { code: "unauthenticated", reason: "SESSION_ENDED" });
      }
      await assertCallFails(user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false }), { code: "unauthenticated", reason: "SESSION_ENDED" });
      assert.equal(generateRequestsFor(user).length, 1, "the provider was not asked again");
    });
  }

  it("sweeps the key records, rate-limit documents and practice history of accounts that no longer exist, and leaves live accounts' alone", async () => {
    const live = await signUpNewUser();
    await live.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    const gone = await signUpNewUser();
    await gone.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    const stored = (await keyDoc(gone.uid).get()).data()!;
    await adminAuth().deleteUser(gone.uid);
    await waitUntil("the deletion trigger removed the key record", async () => !(await keyDoc(gone.uid).get()).exists);
    // What the trigger cannot see: a write that landed after it ran (a request in flight at the deletion).
    await keyDoc(gone.uid).set(stored);
    await adminDb().doc(`rateLimits/${gone.uid}/buckets/set-api-key`).set({ windowStart: 0, count: 1 });
    await adminDb().doc(`users/${gone.uid}/practices/left-behind`).set({ jobTitle: "Engineer" });
    await adminDb().doc(`users/${live.uid}/practices/kept`).set({ jobTitle: "Engineer" });

    const counts = await deleteDataOfDeletedAccounts(adminDb(), adminAuth(), new Date(), practicesOfAccounts(adminDb()));

    assert.ok(counts.orphaned >= 1 && counts.failed === 0, JSON.stringify(counts));
    assert.equal((await adminDb().doc(`apiKeys/${gone.uid}`).listCollections()).length, 0, "the orphaned ciphertext is gone");
    assert.equal((await adminDb().collection(`rateLimits/${gone.uid}/buckets`).get()).size, 0);
    assert.ok((await auditOf(gone.uid)).filter((entry) => entry === "remove:account_deleted").length >= 2, "the sweep's removal is audited too");
    assert.equal((await adminDb().collection(`users/${gone.uid}/practices`).get()).size, 0, "the practice history is gone too");
    assert.equal((await keyDoc(live.uid).get()).exists, true, "a live account's key stays");
    assert.equal((await adminDb().doc(`users/${live.uid}/practices/kept`).get()).exists, true, "and its practice history");
  });
});
