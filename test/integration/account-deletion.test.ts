import assert from "node:assert/strict";
import { adminDb } from "../support/admin";
import { disposeClients, signUpNewUser } from "../support/firebase-client";
import { fakeGeminiKey } from "../support/keys";
import { waitUntil } from "../support/wait";

const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);
const rateLimitDocs = async (uid: string) => (await adminDb().collection(`rateLimits/${uid}/buckets`).get()).docs;
const auditOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => `${String(d.get("event"))}:${String(d.get("outcome"))}`);

describe("account deletion (the Auth emulator fires deleteUserKeyData in the Functions emulator)", function () {
  this.timeout(90_000);
  after(disposeClients);

  it("deletes the user's key records and rate-limit documents once their account is deleted, and audits it", async () => {
    const user = await signUpNewUser();
    await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    await user.call("generateQuestions", { jobTitle: "Engineer", interviewType: "technical", count: 1 });
    assert.equal((await keyDoc(user.uid).get()).exists, true);
    assert.ok((await rateLimitDocs(user.uid)).length >= 2, "setApiKey and the AI call each keep a rate-limit document");

    await user.deleteAccount();

    await waitUntil("the deleted user's key record is gone", async () => !(await keyDoc(user.uid).get()).exists);
    await waitUntil("their rate-limit documents are gone", async () => (await rateLimitDocs(user.uid)).length === 0);
    assert.deepEqual((await adminDb().doc(`apiKeys/${user.uid}`).listCollections()).length, 0);
    assert.ok((await auditOf(user.uid)).includes("remove:account_deleted"), "the audit trail says why the key went");
  });

  it("leaves every other user's records alone, and handles an account that never stored a key", async () => {
    const keeper = await signUpNewUser();
    await keeper.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
    const leaver = await signUpNewUser();
    await leaver.call("apiKeyStatus", {});
    const leaverWithKey = await signUpNewUser();
    await leaverWithKey.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });

    await leaver.deleteAccount();
    await leaverWithKey.deleteAccount();
    await waitUntil("the second leaver's key record is gone", async () => !(await keyDoc(leaverWithKey.uid).get()).exists);

    assert.equal((await keyDoc(keeper.uid).get()).exists, true);
    assert.equal((await rateLimitDocs(keeper.uid)).length, 1);
    assert.deepEqual(await auditOf(leaver.uid), [], "nothing to remove, nothing audited");
  });
});
