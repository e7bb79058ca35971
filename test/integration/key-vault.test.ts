import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { status as grpcStatus } from "@grpc/grpc-js";
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { loadStackConfig } from "../../dev/stack-config";
import { createApiKeyVault } from "../../functions/src/vault/api-key-vault";
import { createKmsClient, kmsKeyWrapper } from "../../functions/src/vault/kms-key-wrapper";
import { cachingUnwrap } from "../../functions/src/vault/data-key-cache";
import { fromDocument } from "../../functions/src/vault/api-key-store";
import { createVaultContext } from "../../functions/src/vault/vault-context";
import { AppError, rateLimited } from "../../functions/src/errors";
import { adminDb } from "../support/admin";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { assertCallError, assertCallFails, disposeClients, keyStatusOf as statusOf, signedOutCaller, signUpNewUser, type Caller } from "../support/firebase-client";
import { geminiStandIn, localKms } from "../support/hooks";
import { fakeGeminiKey } from "../support/keys";
import { callUntilRefused, reasonOf } from "../support/rate-limits";

const setKey = (caller: Caller, data: unknown) => caller.call<{ status: ApiKeyStatus }>("setApiKey", data);
const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);
/**
 * The captured emulator log once `ready` holds for it (the emulator flushes the functions' output in its
 * own time, later on a busy machine): polled until then, bounded by the test's own timeout.
 */
async function waitForLog(file: string, ready: (text: string) => boolean): Promise<string> {
  for (;;) {
    const text = readFileSync(file, "utf8");
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const auditOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).get()).docs.map((d) => d.data());

/** The same vault code the functions run, here with the real KMS client on the local KMS and the Firestore emulator. */
function vaultAsFunctionsRunIt() {
  return createApiKeyVault(adminDb(), cachingUnwrap(kmsKeyWrapper(createKmsClient(), loadStackConfig().kmsKeyName), { maxEntries: 100, ttlMs: 60_000 }));
}

describe("key vault callables", function () {
  this.timeout(60_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);

  describe("who may call", () => {
    it("refuses signed-out callers on every key callable", async () => {
      const anonymous = signedOutCaller();
      await assertCallFails(anonymous.call("setApiKey", { apiKey: fakeGeminiKey() }), { code: "unauthenticated" });
      await assertCallFails(anonymous.call("removeApiKey", {}), { code: "unauthenticated" });
      await assertCallFails(anonymous.call("apiKeyStatus", {}), { code: "unauthenticated" });
    });
  });

  describe("storing a key", () => {
    it("verifies the key with Google, stores it encrypted and reports a status with only a hint", async () => {
      const user = await signUpNewUser();
      const apiKey = fakeGeminiKey();
      const { status } = await setKey(user, { apiKey: `  ${apiKey}  ` });

      assert.equal(status.provider, "googleai");
      assert.equal(status.hasKey, true);
      assert.equal(status.hint, `AQ.…${apiKey.slice(-4)}`);
      assert.equal(status.state, "active");
      assert.ok(status.verifiedAt && !Number.isNaN(Date.parse(status.verifiedAt)));
      assert.equal(status.usageCount, 0);
      assert.deepEqual(await statusOf(user), status);
      assert.ok(!JSON.stringify(status).includes(apiKey.slice(4, -4)));

      const checks = geminiStandIn().requests.filter((r) => r.apiKey === apiKey);
      assert.equal(checks.length, 1);
      assert.equal(checks[0].method, "GET");
      assert.equal(checks[0].path, "/v1beta/models/gemini-flash-latest", "the key check asks for the configured model (the maintained alias)");
    });

    it("keeps no plaintext in Firestore: only an envelope wrapped by a named KMS key version", async () => {
      const user = await signUpNewUser();
      const apiKey = fakeGeminiKey();
      await setKey(user, { apiKey });

      const stored = (await keyDoc(user.uid).get()).data()!;
      // The raw document, as anyone with database access would read it.
      const envelope = stored.envelope as {
        formatVersion: unknown;
        algorithm: unknown;
        kmsKeyVersion: string;
        wrappedDataKey: Uint8Array;
        iv: Uint8Array;
        ciphertext: Uint8Array;
      };
      assert.equal(envelope.formatVersion, 1);
      assert.equal(envelope.algorithm, "AES-256-GCM");
      assert.match(envelope.kmsKeyVersion, new RegExp(`^${loadStackConfig().kmsKeyName}/cryptoKeyVersions/\\d+$`));
      assert.equal(Buffer.from(envelope.iv).length, 12);
      assert.equal(Buffer.from(envelope.ciphertext).length, apiKey.length + 16);
      const everything = Buffer.concat([
        Buffer.from(JSON.stringify(stored)),
        Buffer.from(envelope.ciphertext),
        Buffer.from(envelope.wrappedDataKey),
      ]).toString("latin1");
      for (const fragment of [apiKey, apiKey.slice(4), apiKey.slice(10, 30), Buffer.from(apiKey).toString("base64").slice(0, 20)]) {
        assert.ok(!everything.includes(fragment), "the stored document contains part of the key");
      }
      assert.equal((await vaultAsFunctionsRunIt().readApiKey(user.uid, "googleai"))?.apiKey, apiKey);
    });

    it("stores with verify: false as unverified, without calling Google", async () => {
      const user = await signUpNewUser();
      const apiKey = fakeGeminiKey();
      const { status } = await setKey(user, { apiKey, verify: false });
      assert.equal(status.state, "unverified");
      assert.equal(status.verifiedAt, undefined);
      assert.equal(geminiStandIn().requests.filter((r) => r.apiKey === apiKey).length, 0);
    });

    it("stores a genuine key that is out of quota as quota_exhausted", async () => {
      const user = await signUpNewUser();
      const { status } = await setKey(user, { apiKey: fakeGeminiKey("quota") });
      assert.equal(status.state, "quota_exhausted");
      assert.equal((await statusOf(user)).state, "quota_exhausted");
    });
  });

  describe("bad input changes nothing", () => {
    const badPayloads: Array<[string, (key: string) => unknown, string]> = [
      ["no payload", () => undefined, "INVALID_INPUT"],
      ["a missing apiKey", () => ({}), "INVALID_INPUT"],
      ["a number for apiKey", () => ({ apiKey: 12345 }), "INVALID_INPUT"],
      ["an array for apiKey", (key) => ({ apiKey: [key] }), "INVALID_INPUT"],
      ["a huge string", () => ({ apiKey: "A".repeat(200_000) }), "INVALID_INPUT"],
      ["an extra field", (key) => ({ apiKey: key, admin: true }), "INVALID_INPUT"],
      ["an unknown provider", (key) => ({ apiKey: key, provider: "mistral" }), "INVALID_INPUT"],
      ["a string for verify", (key) => ({ apiKey: key, verify: "no" }), "INVALID_INPUT"],
      ["a key with a wrong prefix", (key) => ({ apiKey: `AIzb${key.slice(4)}` }), "KEY_FORMAT"],
      ["a key one character short", (key) => ({ apiKey: key.slice(0, -1) }), "KEY_FORMAT"],
      ["a key with a space inside", (key) => ({ apiKey: `${key.slice(0, 20)} ${key.slice(21)}` }), "KEY_FORMAT"],
      ["an empty key", () => ({ apiKey: "   " }), "KEY_FORMAT"],
    ];

    for (const [what, payload, reason] of badPayloads) {
      it(`refuses ${what} with invalid-argument/${reason}, keeps the previous key and calls nobody`, async () => {
        const user = await signUpNewUser();
        const previousKey = fakeGeminiKey();
        const before = (await setKey(user, { apiKey: previousKey })).status;
        const attempted = fakeGeminiKey();
        const error = await assertCallFails(setKey(user, payload(attempted)), { code: "invalid-argument", reason });
        assert.ok(!error.message.includes(attempted.slice(4, 20)));
        assert.deepEqual(await statusOf(user), before);
        assert.equal(geminiStandIn().requests.filter((r) => r.apiKey !== previousKey).length, 0);
      });
    }

    it("limits key attempts per user, so the callable cannot be used to test stolen keys in bulk", async () => {
      const user = await signUpNewUser();
      const other = await signUpNewUser();
      let lastTried = "";
      const { refusal } = await callUntilRefused({ uid: user.uid, bucket: "set-api-key", limit: 10 }, async () => {
        lastTried = fakeGeminiKey("invalidkey"); // one more key to try; Google refuses it
        const error = await setKey(user, { apiKey: lastTried }).then(() => assert.fail("expected a failure"), (e: unknown) => e);
        if (reasonOf(error) === "RATE_LIMITED") return error;
        assert.equal(reasonOf(error), "KEY_INVALID");
        return undefined;
      });
      const error = assertCallError(refusal, { code: "resource-exhausted", reason: "RATE_LIMITED" });
      const retryAfter = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      assert.ok(retryAfter !== undefined && retryAfter > 0 && retryAfter <= 600, `retryAfterSeconds ${retryAfter}`);
      assert.equal((await statusOf(user)).hasKey, false);
      assert.equal(geminiStandIn().requests.filter((r) => r.apiKey === lastTried).length, 0, "the refused key was checked with Google");
      assert.equal((await setKey(other, { apiKey: fakeGeminiKey() })).status.hasKey, true, "another user is not limited");
    });

    it("refuses malformed input to removeApiKey and apiKeyStatus", async () => {
      const user = await signUpNewUser();
      await setKey(user, { apiKey: fakeGeminiKey() });
      await assertCallFails(user.call("removeApiKey", { provider: "mistral" }), { code: "invalid-argument", reason: "INVALID_INPUT" });
      await assertCallFails(user.call("removeApiKey", { provider: "googleai", force: true }), { code: "invalid-argument", reason: "INVALID_INPUT" });
      await assertCallFails(user.call("apiKeyStatus", { provider: 7 }), { code: "invalid-argument", reason: "INVALID_INPUT" });
      assert.equal((await statusOf(user)).hasKey, true);
    });
  });

  describe("when Google says no", () => {
    const refusals: Array<[string, string, string, string]> = [
      ["an invalid key", "invalidkey", "failed-precondition", "KEY_INVALID"],
      ["an expired key", "expiredkey", "failed-precondition", "KEY_INVALID"],
      ["a key restricted to other APIs", "denied", "failed-precondition", "KEY_INVALID"],
      ["a suspended key (whose error names the key)", "suspended", "failed-precondition", "KEY_INVALID"],
      ["a key of a type the API does not take (401 ACCESS_TOKEN_TYPE_UNSUPPORTED)", "tokentype", "failed-precondition", "KEY_INVALID"],
      ["a key whose project cannot use the configured model (404)", "nomodel", "failed-precondition", "MODEL_UNAVAILABLE"],
      ["a server error", "servererror", "unavailable", "AI_UNAVAILABLE"],
      ["an overloaded service", "overloaded", "unavailable", "AI_UNAVAILABLE"],
    ];

    for (const [what, marker, code, reason] of refusals) {
      it(`refuses ${what} with ${reason}, stores nothing and leaks no upstream text`, async () => {
        const user = await signUpNewUser();
        const apiKey = fakeGeminiKey(marker);
        const error = await assertCallFails(setKey(user, { apiKey }), { code, reason });
        assert.ok(!error.message.includes(apiKey) && !error.message.includes(apiKey.slice(4, 20)));
        assert.ok(!/API key not valid|Consumer|overloaded|internal error/i.test(error.message), error.message);
        assert.equal(JSON.stringify(error.details).includes(apiKey.slice(4, 20)), false);
        assert.equal((await statusOf(user)).hasKey, false);
        assert.equal((await keyDoc(user.uid).get()).exists, false);
      });
    }

    it("refuses a retired AIza key with advice to create a new key in AI Studio, and stores nothing", async () => {
      const user = await signUpNewUser();
      const legacyKey = fakeGeminiKey("", "standard");
      const error = await assertCallFails(setKey(user, { apiKey: legacyKey }), { code: "failed-precondition", reason: "KEY_INVALID" });

      assert.match(error.message, /retired/);
      assert.match(error.message, /AI Studio/);
      assert.equal((error.details as { action?: string }).action, "provider_keys");
      assert.ok(!error.message.includes(legacyKey.slice(4, 20)));
      assert.equal((await keyDoc(user.uid).get()).exists, false);
      assert.equal(geminiStandIn().requests.filter((r) => r.apiKey === legacyKey).length, 1, "Google, not the format check, gave the verdict");
    });

    it("tells a key refused for an ordinary reason to check it, not that its kind is retired", async () => {
      const user = await signUpNewUser();
      const error = await assertCallFails(setKey(user, { apiKey: fakeGeminiKey("invalidkey") }), { code: "failed-precondition", reason: "KEY_INVALID" });
      assert.doesNotMatch(error.message, /retired/);
    });

    it("names the configured model when a key cannot use it, and audits why nothing was stored", async () => {
      const user = await signUpNewUser();
      const error = await assertCallFails(setKey(user, { apiKey: fakeGeminiKey("nomodel") }), { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" });
      assert.match(error.message, /gemini-flash-latest/);
      assert.deepEqual(
        (await auditOf(user.uid)).map((event) => String(event.outcome)),
        ["model_unavailable"],
      );
    });

    it("keeps the previous key when a replacement is rejected", async () => {
      const user = await signUpNewUser();
      const previousKey = fakeGeminiKey();
      const before = (await setKey(user, { apiKey: previousKey })).status;
      await assertCallFails(setKey(user, { apiKey: fakeGeminiKey("invalidkey") }), { code: "failed-precondition", reason: "KEY_INVALID" });
      assert.deepEqual(await statusOf(user), before);
      assert.equal((await vaultAsFunctionsRunIt().readApiKey(user.uid, "googleai"))?.apiKey, previousKey);
    });
  });

  describe("replacing and removing", () => {
    it("replaces a key, and removal is idempotent", async () => {
      const user = await signUpNewUser();
      const first = fakeGeminiKey();
      const second = fakeGeminiKey();
      const stored = (await setKey(user, { apiKey: first })).status;
      const replaced = (await setKey(user, { apiKey: second })).status;
      assert.equal(replaced.hint, `AQ.…${second.slice(-4)}`);
      assert.ok(Date.parse(replaced.updatedAt!) >= Date.parse(stored.updatedAt!));
      assert.equal((await vaultAsFunctionsRunIt().readApiKey(user.uid, "googleai"))?.apiKey, second);

      assert.deepEqual(await user.call("removeApiKey", {}), { removed: true });
      assert.deepEqual(await statusOf(user), { provider: "googleai", hasKey: false });
      assert.equal((await keyDoc(user.uid).get()).exists, false, "the wrapped data key must go with the record");
      assert.deepEqual(await user.call("removeApiKey", {}), { removed: false });
      assert.deepEqual(await user.call("removeApiKey"), { removed: false });
    });

    it("touches only the caller's own record", async () => {
      const alice = await signUpNewUser();
      const bob = await signUpNewUser();
      const aliceKey = fakeGeminiKey();
      await setKey(alice, { apiKey: aliceKey });
      await setKey(bob, { apiKey: fakeGeminiKey() });
      await bob.call("removeApiKey", {});
      assert.equal((await statusOf(alice)).hasKey, true);
      assert.equal((await vaultAsFunctionsRunIt().readApiKey(alice.uid, "googleai"))?.apiKey, aliceKey);
    });

    it("keeps the previous key usable when KMS fails during a replace", async () => {
      const user = await signUpNewUser();
      const previousKey = fakeGeminiKey();
      const before = (await setKey(user, { apiKey: previousKey })).status;
      localKms().injectFault({ method: "Encrypt", code: grpcStatus.UNAVAILABLE });

      await assertCallFails(setKey(user, { apiKey: fakeGeminiKey() }), { code: "unavailable", reason: "KEY_STORE_UNAVAILABLE" });

      localKms().clearFaults();
      assert.deepEqual(await statusOf(user), before);
      assert.equal((await vaultAsFunctionsRunIt().readApiKey(user.uid, "googleai"))?.apiKey, previousKey);
    });
  });

  describe("the stored record", () => {
    it("does not decrypt when copied into another user's document", async () => {
      const alice = await signUpNewUser();
      const mallory = await signUpNewUser();
      await setKey(alice, { apiKey: fakeGeminiKey() });
      await setKey(mallory, { apiKey: fakeGeminiKey() });
      await keyDoc(mallory.uid).set((await keyDoc(alice.uid).get()).data()!);

      await assert.rejects(vaultAsFunctionsRunIt().readApiKey(mallory.uid, "googleai"), (error: { reason?: string }) => error.reason === "KEY_UNREADABLE");
    });

    it("is decrypted from a warm data-key cache without a KMS call, yet a removal takes effect at once", async () => {
      const user = await signUpNewUser();
      const apiKey = fakeGeminiKey();
      await setKey(user, { apiKey });
      const vault = vaultAsFunctionsRunIt();
      assert.equal((await vault.readApiKey(user.uid, "googleai"))?.apiKey, apiKey);
      const decrypts = localKms().callCount("Decrypt");
      assert.equal((await vault.readApiKey(user.uid, "googleai"))?.apiKey, apiKey);
      assert.equal(localKms().callCount("Decrypt"), decrypts);

      await user.call("removeApiKey", {});
      assert.equal(await vault.readApiKey(user.uid, "googleai"), null);
    });

    it("behind a gate (the AI call's per-minute limit), reads the record but decrypts only once the gate opens, and not at all when it refuses", async () => {
      const user = await signUpNewUser();
      const apiKey = fakeGeminiKey();
      await setKey(user, { apiKey });
      // A fresh instance's vault: its first decryption of this key is a KMS request.
      const vault = vaultAsFunctionsRunIt();
      const decrypts = localKms().callCount("Decrypt");

      const refusal = Promise.reject(rateLimited(42));
      refusal.catch(() => undefined); // observed by the read, after its Firestore round trip (as countedAhead does)
      const refused = vault.readApiKey(user.uid, "googleai", { decryptAfter: refusal });
      await assert.rejects(refused, (error) => error instanceof AppError && error.reason === "RATE_LIMITED");
      assert.equal(localKms().callCount("Decrypt"), decrypts, "a refused read made a KMS request");

      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let settled = false;
      const read = vault.readApiKey(user.uid, "googleai", { decryptAfter: gate }).finally(() => (settled = true));
      // The record's read is done well before this answers; the key still waits for the gate.
      await adminDb().doc(`apiKeys/${user.uid}`).get();
      assert.equal(settled, false);
      assert.equal(localKms().callCount("Decrypt"), decrypts, "decrypted before the gate opened");
      open();
      assert.equal((await read)?.apiKey, apiKey);
      assert.equal(localKms().callCount("Decrypt"), decrypts + 1);
    });

    it("applies a call's status updates only to the key that call used, not to a replacement", async () => {
      const user = await signUpNewUser();
      await setKey(user, { apiKey: fakeGeminiKey() });
      const vault = vaultAsFunctionsRunIt();
      const used = (await vault.readApiKey(user.uid, "googleai"))!;
      const replacement = (await setKey(user, { apiKey: fakeGeminiKey() })).status;

      // The call made with the old key fails (or succeeds) after the user replaced it.
      await vault.markState(user.uid, "googleai", used.keyId, "invalid");
      await vault.recordUse(user.uid, "googleai", used.keyId);
      assert.deepEqual(await statusOf(user), replacement);

      const current = (await vault.readApiKey(user.uid, "googleai"))!;
      assert.notEqual(current.keyId, used.keyId);
      await vault.markState(user.uid, "googleai", current.keyId, "invalid");
      assert.equal((await statusOf(user)).state, "invalid");
      await vault.recordUse(user.uid, "googleai", current.keyId);
      const afterUse = await statusOf(user);
      assert.equal(afterUse.state, "active");
      assert.equal(afterUse.usageCount, 1);
    });

    it("keeps an audit trail of key events without key material", async () => {
      const user = await signUpNewUser();
      const keys = [fakeGeminiKey(), fakeGeminiKey("invalidkey"), fakeGeminiKey()];
      await setKey(user, { apiKey: keys[0] });
      await assertCallFails(setKey(user, { apiKey: keys[1] }), { code: "failed-precondition", reason: "KEY_INVALID" });
      await setKey(user, { apiKey: keys[2] });
      await user.call("removeApiKey", {});

      const events = await auditOf(user.uid);
      const outcomes = events.map((e) => `${e.event}:${e.outcome}`).sort();
      assert.deepEqual(outcomes, ["remove:removed", "set:rejected_by_provider", "set:replaced", "set:stored"]);
      for (const event of events) assert.ok(event.at && event.provider === "googleai");
      const serialized = JSON.stringify(events);
      for (const key of keys) assert.ok(!serialized.includes(key.slice(4, 20)));
    });

    it("an update of the same key hands back the record as stored afterwards: a deleted field is gone, not a delete marker", async () => {
      const user = await signUpNewUser();
      await setKey(user, { apiKey: fakeGeminiKey() });
      const { keyId } = (await vaultAsFunctionsRunIt().readApiKey(user.uid, "googleai"))!;
      await keyDoc(user.uid).update({ model: "gemini-x" });
      const context = createVaultContext(adminDb(), kmsKeyWrapper(createKmsClient(), loadStackConfig().kmsKeyName));

      const { outcome, record } = await context.updateSameKey(user.uid, "googleai", keyId, () => ({ fields: { model: FieldValue.delete(), updatedAt: new Date() } }));

      assert.equal(outcome, "stored");
      assert.equal(record && "model" in record, false);
      assert.deepEqual(record, fromDocument((await keyDoc(user.uid).get()).data()!));
    });

    it("stores no model choice on an expired key (as if removed), while a call's status update still applies to it", async () => {
      const user = await signUpNewUser();
      await setKey(user, { apiKey: fakeGeminiKey() });
      const vault = vaultAsFunctionsRunIt();
      const { keyId } = (await vault.readApiKey(user.uid, "googleai"))!;
      await keyDoc(user.uid).update({ expiresAt: Timestamp.fromMillis(Date.now() - 1000) });

      assert.equal(await vault.storeModelChoice(user.uid, "googleai", keyId, "gemini-x"), "key_missing");
      await vault.markState(user.uid, "googleai", keyId, "invalid");

      const stored = (await keyDoc(user.uid).get()).data()!;
      assert.equal(stored.model, undefined);
      assert.equal(stored.state, "invalid");
      assert.deepEqual((await auditOf(user.uid)).map((e) => `${e.event}:${e.outcome}`).sort(), ["set:stored", "state_change:invalid"]);
    });

    it("writes no audit event for nothing to remove, nor for a state the key already has", async () => {
      const user = await signUpNewUser();
      assert.deepEqual(await user.call("removeApiKey", {}), { removed: false });
      assert.deepEqual(await user.call("removeApiKey", {}), { removed: false });
      assert.deepEqual(await auditOf(user.uid), []);

      await setKey(user, { apiKey: fakeGeminiKey(), verify: false });
      const vault = vaultAsFunctionsRunIt();
      const { keyId } = (await vault.readApiKey(user.uid, "googleai"))!;
      for (let call = 0; call < 3; call++) await vault.markState(user.uid, "googleai", keyId, "quota_exhausted");
      await vault.recordUse(user.uid, "googleai", keyId);
      await vault.recordUse(user.uid, "googleai", keyId);
      await user.call("removeApiKey", {});
      await user.call("removeApiKey", {});

      const outcomes = (await auditOf(user.uid)).map((e) => `${e.event}:${e.outcome}`).sort();
      assert.deepEqual(outcomes, ["remove:removed", "set:stored", "state_change:active", "state_change:quota_exhausted"]);
    });
  });

  describe("per-user limits on the key callables", () => {
    /** Waits, if needed, so that the next `secondsNeeded` seconds fall in one fixed window of `windowSeconds`. */
    async function withinOneWindow(windowSeconds: number, secondsNeeded: number): Promise<void> {
      const intoWindow = (Date.now() / 1000) % windowSeconds;
      if (windowSeconds - intoWindow < secondsNeeded) await new Promise((resolve) => setTimeout(resolve, (windowSeconds - intoWindow + 1) * 1000));
    }

    it("removeApiKey: 10 calls per 10 minutes, then RATE_LIMITED with retryAfterSeconds", async () => {
      const user = await signUpNewUser();
      await withinOneWindow(600, 20);
      for (let call = 0; call < 10; call++) await user.call("removeApiKey", {});
      const error = await assertCallFails(user.call("removeApiKey", {}), { code: "resource-exhausted", reason: "RATE_LIMITED" });
      const retryAfter = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      assert.ok(typeof retryAfter === "number" && retryAfter >= 1 && retryAfter <= 600);
      assert.deepEqual(await (await signUpNewUser()).call("removeApiKey", {}), { removed: false }, "the limit is per user");
    });

    it("apiKeyStatus: 30 calls a minute, then RATE_LIMITED", async () => {
      const user = await signUpNewUser();
      await withinOneWindow(60, 20);
      for (let call = 0; call < 30; call++) await statusOf(user);
      await assertCallFails(user.call("apiKeyStatus", {}), { code: "resource-exhausted", reason: "RATE_LIMITED" });
    });

    it("logs each refusal with the user, the limit and its figures, and nothing secret", async function () {
      const logFile = process.env.EMULATOR_LOG_FILE;
      if (!logFile) {
        console.log("        skipped: only `npm test` captures the emulators' output (EMULATOR_LOG_FILE is unset)");
        this.skip();
      }
      const user = await signUpNewUser();
      await withinOneWindow(600, 20);
      const keys = Array.from({ length: 11 }, () => fakeGeminiKey("invalidkey"));
      for (const apiKey of keys.slice(0, 10)) await assertCallFails(setKey(user, { apiKey }), { code: "failed-precondition", reason: "KEY_INVALID" });
      await assertCallFails(setKey(user, { apiKey: keys[10] }), { code: "resource-exhausted", reason: "RATE_LIMITED" });

      const log = await waitForLog(logFile, (text) => text.split("\n").some((line) => line.includes("rate limit reached") && line.includes(user.uid)));
      const line = log.split("\n").find((candidate) => candidate.includes("rate limit reached") && candidate.includes(user.uid));
      assert.ok(line, "the refusal was logged");
      assert.match(line, /"bucket":"set-api-key"/);
      assert.match(line, /"limit":10/);
      for (const apiKey of keys) assert.ok(!log.includes(apiKey.slice(4)), "a key reached the emulator log");
    });
  });

  describe("logs", () => {
    it("never contain a key, even when Google's error quotes it", async function () {
      const logFile = process.env.EMULATOR_LOG_FILE;
      if (!logFile) {
        console.log("        skipped: only `npm test` captures the emulators' output (EMULATOR_LOG_FILE is unset)");
        this.skip();
      }
      const user = await signUpNewUser();
      const refused = [fakeGeminiKey("suspended"), fakeGeminiKey("invalidkey"), fakeGeminiKey("tokentype"), fakeGeminiKey("", "standard")];
      for (const apiKey of refused) await assertCallFails(setKey(user, { apiKey }), { code: "failed-precondition", reason: "KEY_INVALID" });
      const noModel = fakeGeminiKey("nomodel");
      await assertCallFails(setKey(user, { apiKey: noModel }), { code: "failed-precondition", reason: "MODEL_UNAVAILABLE" });
      const stored = fakeGeminiKey();
      await setKey(user, { apiKey: stored });
      localKms().injectFault({ method: "Encrypt", code: grpcStatus.INTERNAL });
      const unstored = fakeGeminiKey();
      await assertCallFails(setKey(user, { apiKey: unstored }), { code: "unavailable", reason: "KEY_STORE_UNAVAILABLE" });

      // The emulator writes the functions' output a little later: wait until this user's last event is there.
      const log = await waitForLog(logFile, (text) => text.includes(user.uid) && text.includes('"outcome":"store_failed"'));
      for (const key of [...refused, noModel, stored, unstored]) assert.ok(!log.includes(key.slice(4)), "a key reached the emulator log");
      const operatorLine = log.split("\n").find((line) => line.includes("configured Gemini model not available") && line.includes('"during":"key_check"'));
      assert.ok(operatorLine?.includes('"model":"gemini-flash-latest"'), "the operator is told which model");
    });
  });
});
