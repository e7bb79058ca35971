import assert from "node:assert/strict";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { questionsRequest, generateRequestsFor, userWithKey } from "../support/ai";
import { adminDb } from "../support/admin";
import { assertCallFails, disposeClients, keyStatusOf } from "../support/firebase-client";
import { geminiStandIn, localKms } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { closeKmsAdmin, kmsAdmin, primaryVersion, rotateFunctionsKey, setVersionState } from "../support/kms";

const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);
const stateChangesOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).where("event", "==", "state_change").get()).docs.map((d) => String(d.get("outcome")));

describe("a stored key that can no longer be read", function () {
  this.timeout(120_000);
  afterEach(() => geminiStandIn().reset());
  after(async () => {
    await disposeClients();
    await closeKmsAdmin();
  });

  it("when the KMS key version that wrapped it is disabled: state unreadable, KEY_UNREADABLE telling the user to enter it again", async () => {
    // A version of its own, so disabling it touches no other test's records.
    const ownVersion = await rotateFunctionsKey();
    const user = await userWithKey();
    assert.equal((await keyDoc(user.uid).get()).get("envelope.kmsKeyVersion"), ownVersion);
    await rotateFunctionsKey();
    await setVersionState(ownVersion, "DISABLED");
    try {
      const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_UNREADABLE" });
      assert.match(error.message, /can no longer be read/);
      assert.match(error.message, /Enter your key again in Settings/);
      assert.doesNotMatch(error.message, /try again in/);
      assert.equal((error.details as { action?: string }).action, "settings");
      assert.equal(generateRequestsFor(user).length, 0, "Gemini was never called");

      const status = await keyStatusOf(user);
      assert.equal(status.hasKey, true);
      assert.equal(status.state, "unreadable");
      assert.deepEqual(await stateChangesOf(user.uid), ["unreadable"]);

      // Asking again says the same and records nothing new.
      await assertCallFails(user.call("generateFeedback", { jobTitle: "Engineer", items: [{ question: "Why?", answer: "Because." }] }), {
        code: "failed-precondition",
        reason: "KEY_UNREADABLE",
      });
      assert.deepEqual(await stateChangesOf(user.uid), ["unreadable"]);

      // Entering the key again is the way out.
      const fresh = fakeGeminiKey();
      const { status: replaced } = await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: fresh });
      assert.equal(replaced.state, "active");
      await user.call("generateQuestions", questionsRequest(user));
      assert.equal(generateRequestsFor(user).at(-1)?.apiKey, fresh);
    } finally {
      await setVersionState(ownVersion, "ENABLED");
    }
  });

  it("when the version is scheduled for destruction: the same", async () => {
    const ownVersion = await rotateFunctionsKey();
    const user = await userWithKey();
    await rotateFunctionsKey();
    await kmsAdmin().destroyCryptoKeyVersion({ name: ownVersion });
    try {
      await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "failed-precondition", reason: "KEY_UNREADABLE" });
      assert.equal((await keyStatusOf(user)).state, "unreadable");
    } finally {
      await kmsAdmin().restoreCryptoKeyVersion({ name: ownVersion });
      await setVersionState(ownVersion, "ENABLED");
    }
  });

  it("when the record fails its integrity check (copied into another user's document): the same", async () => {
    const alice = await userWithKey();
    const mallory = await userWithKey();
    await keyDoc(mallory.uid).set((await keyDoc(alice.uid).get()).data()!);

    await assertCallFails(mallory.call("generateQuestions", questionsRequest(mallory)), { code: "failed-precondition", reason: "KEY_UNREADABLE" });
    assert.equal((await keyStatusOf(mallory)).state, "unreadable");
    assert.equal(generateRequestsFor(mallory).length, 0);
    assert.equal((await keyStatusOf(alice)).state, "unverified", "the owner's record is untouched");
  });

  it("a transient KMS outage is KEY_STORE_UNAVAILABLE and changes nothing", async () => {
    const user = await userWithKey();
    const before = await keyStatusOf(user);
    localKms().injectFault({ method: "Decrypt", code: grpcStatus.UNAVAILABLE });

    const error = await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "KEY_STORE_UNAVAILABLE" });
    assert.match(error.message, /try again/);

    localKms().clearFaults();
    assert.deepEqual(await keyStatusOf(user), before);
    assert.deepEqual(await stateChangesOf(user.uid), []);
    await user.call("generateQuestions", questionsRequest(user));
    assert.equal((await keyStatusOf(user)).state, "active");
  });

  it("a KMS that refuses the functions (PERMISSION_DENIED, a misconfiguration) is an outage too, not the user's key", async () => {
    const user = await userWithKey();
    localKms().injectFault({ method: "Decrypt", code: grpcStatus.PERMISSION_DENIED });
    await assertCallFails(user.call("generateQuestions", questionsRequest(user)), { code: "unavailable", reason: "KEY_STORE_UNAVAILABLE" });
    assert.equal((await keyStatusOf(user)).state, "unverified");
  });

  it("the primary in use is the one the functions encrypt with", async () => {
    const user = await userWithKey();
    assert.equal((await keyDoc(user.uid).get()).get("envelope.kmsKeyVersion"), await primaryVersion());
  });
});
