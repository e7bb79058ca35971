import { KeyManagementServiceClient } from "@google-cloud/kms";
import { credentials, status } from "@grpc/grpc-js";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { crc32c } from "../../functions/src/vault/crc32c";
import { startLocalKms, type LocalKms } from "../../dev/local-kms/server";

/**
 * The options the product uses for KMS_EMULATOR_HOST: plaintext gRPC to host:port. `universeDomain` is
 * set so the client does not ask google-auth-library for it, which would probe the GCE metadata server.
 */
function kmsClient(kms: LocalKms): KeyManagementServiceClient {
  return new KeyManagementServiceClient({
    apiEndpoint: kms.host,
    port: kms.port,
    sslCreds: credentials.createInsecure(),
    universeDomain: "googleapis.com",
  });
}

function freshKeyName(): string {
  return `projects/demo-test/locations/global/keyRings/ring-${randomUUID()}/cryptoKeys/key`;
}

/** Real KMS returns int64 checksums; the client decodes them as decimal strings. */
function checksumOf(field: { value?: unknown } | null | undefined): number {
  return Number(field?.value);
}

async function elapsedMs(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

describe("local KMS through the official @google-cloud/kms client", () => {
  let kms: LocalKms;
  let client: KeyManagementServiceClient;

  before(async () => {
    kms = await startLocalKms({ port: 0 });
    client = kmsClient(kms);
  });

  afterEach(() => kms.clearFaults());

  after(async () => {
    await client.close();
    await kms.stop();
  });

  it("round-trips with AAD and verifies every CRC32C field", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);
    const plaintext = Buffer.from("data key bytes");
    const aad = Buffer.from("users/alice/apiKey");

    const [encrypted] = await client.encrypt({
      name: keyName,
      plaintext,
      plaintextCrc32c: { value: crc32c(plaintext) },
      additionalAuthenticatedData: aad,
      additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
    });
    const ciphertext = Buffer.from(encrypted.ciphertext as Uint8Array);
    assert.equal(encrypted.name, `${keyName}/cryptoKeyVersions/1`);
    assert.equal(encrypted.verifiedPlaintextCrc32c, true);
    assert.equal(encrypted.verifiedAdditionalAuthenticatedDataCrc32c, true);
    assert.equal(encrypted.protectionLevel, "SOFTWARE");
    assert.equal(checksumOf(encrypted.ciphertextCrc32c), crc32c(ciphertext));
    assert.equal(ciphertext.includes(plaintext), false);

    const [decrypted] = await client.decrypt({
      name: keyName,
      ciphertext,
      ciphertextCrc32c: { value: crc32c(ciphertext) },
      additionalAuthenticatedData: aad,
      additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
    });
    assert.deepEqual(Buffer.from(decrypted.plaintext as Uint8Array), plaintext);
    assert.equal(checksumOf(decrypted.plaintextCrc32c), crc32c(plaintext));
    assert.equal(decrypted.usedPrimary, true);
  });

  it("reports checksums as unverified when the request carries none", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);

    const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });

    assert.equal(encrypted.verifiedPlaintextCrc32c, false);
    assert.equal(encrypted.verifiedAdditionalAuthenticatedDataCrc32c, false);
  });

  it("refuses to decrypt with the wrong AAD, a tampered ciphertext or another key", async () => {
    const keyName = freshKeyName();
    const otherKeyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);
    await kms.ensureCryptoKey(otherKeyName);
    const [encrypted] = await client.encrypt({
      name: keyName,
      plaintext: Buffer.from("secret"),
      additionalAuthenticatedData: Buffer.from("users/alice"),
    });
    const ciphertext = Buffer.from(encrypted.ciphertext as Uint8Array);
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 1] ^= 0x01;
    const invalidCiphertext = { code: status.INVALID_ARGUMENT, details: "Decryption failed: the ciphertext is invalid." };

    const attempts = [
      { name: keyName, ciphertext, additionalAuthenticatedData: Buffer.from("users/mallory") },
      { name: keyName, ciphertext },
      { name: keyName, ciphertext: tampered, additionalAuthenticatedData: Buffer.from("users/alice") },
      { name: otherKeyName, ciphertext, additionalAuthenticatedData: Buffer.from("users/alice") },
    ];
    for (const request of attempts) await assert.rejects(client.decrypt(request), invalidCiphertext);
  });

  it("rejects requests whose CRC32C does not match their data", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);
    const plaintext = Buffer.from("secret");
    const aad = Buffer.from("aad");
    const [encrypted] = await client.encrypt({ name: keyName, plaintext, additionalAuthenticatedData: aad });
    const ciphertext = Buffer.from(encrypted.ciphertext as Uint8Array);
    const wrong = (data: Buffer) => ({ value: crc32c(data) ^ 1 });

    await assert.rejects(client.encrypt({ name: keyName, plaintext, plaintextCrc32c: wrong(plaintext) }), {
      code: status.INVALID_ARGUMENT,
      details: /plaintext_crc32c/,
    });
    await assert.rejects(
      client.encrypt({ name: keyName, plaintext, additionalAuthenticatedData: aad, additionalAuthenticatedDataCrc32c: wrong(aad) }),
      { code: status.INVALID_ARGUMENT, details: /additional_authenticated_data_crc32c/ },
    );
    await assert.rejects(
      client.decrypt({ name: keyName, ciphertext, additionalAuthenticatedData: aad, ciphertextCrc32c: wrong(ciphertext) }),
      { code: status.INVALID_ARGUMENT, details: /ciphertext_crc32c/ },
    );
  });

  it("encrypts with the new primary after rotation and still decrypts old ciphertexts", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);
    const [before] = await client.encrypt({ name: keyName, plaintext: Buffer.from("old") });

    const newVersion = await kms.rotate(keyName);

    assert.equal(newVersion, `${keyName}/cryptoKeyVersions/2`);
    const [after] = await client.encrypt({ name: keyName, plaintext: Buffer.from("new") });
    assert.equal(after.name, newVersion);
    const [cryptoKey] = await client.getCryptoKey({ name: keyName });
    assert.equal(cryptoKey.primary?.name, newVersion);
    const [oldDecrypted] = await client.decrypt({ name: keyName, ciphertext: before.ciphertext });
    assert.equal(Buffer.from(oldDecrypted.plaintext as Uint8Array).toString(), "old");
    assert.equal(oldDecrypted.usedPrimary, false);
    const [newDecrypted] = await client.decrypt({ name: keyName, ciphertext: after.ciphertext });
    assert.equal(newDecrypted.usedPrimary, true);
    const [versions] = await client.listCryptoKeyVersions({ parent: keyName });
    assert.deepEqual(
      versions.map((v) => v.name),
      [`${keyName}/cryptoKeyVersions/1`, newVersion],
    );
  });

  it("keeps ensureCryptoKey idempotent: no new version, same key material", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);
    const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("kept") });

    await kms.ensureCryptoKey(keyName);

    const [versions] = await client.listCryptoKeyVersions({ parent: keyName });
    assert.equal(versions.length, 1);
    const [decrypted] = await client.decrypt({ name: keyName, ciphertext: encrypted.ciphertext });
    assert.equal(Buffer.from(decrypted.plaintext as Uint8Array).toString(), "kept");
  });

  it("manages key rings, keys and versions through the admin RPCs", async () => {
    const location = "projects/demo-test/locations/global";
    const keyRingId = `ring-${randomUUID()}`;
    const keyRingName = `${location}/keyRings/${keyRingId}`;
    const keyName = `${keyRingName}/cryptoKeys/key`;

    await assert.rejects(
      client.createCryptoKey({ parent: keyRingName, cryptoKeyId: "key", cryptoKey: { purpose: "ENCRYPT_DECRYPT" } }),
      { code: status.NOT_FOUND },
    );
    const [keyRing] = await client.createKeyRing({ parent: location, keyRingId, keyRing: {} });
    assert.equal(keyRing.name, keyRingName);
    await assert.rejects(client.createKeyRing({ parent: location, keyRingId, keyRing: {} }), {
      code: status.ALREADY_EXISTS,
    });
    const [created] = await client.createCryptoKey({
      parent: keyRingName,
      cryptoKeyId: "key",
      cryptoKey: { purpose: "ENCRYPT_DECRYPT" },
    });
    assert.equal(created.primary?.name, `${keyName}/cryptoKeyVersions/1`);

    const [version2] = await client.createCryptoKeyVersion({ parent: keyName, cryptoKeyVersion: {} });
    const [unchanged] = await client.getCryptoKey({ name: keyName });
    assert.equal(unchanged.primary?.name, `${keyName}/cryptoKeyVersions/1`);
    const [promoted] = await client.updateCryptoKeyPrimaryVersion({ name: keyName, cryptoKeyVersionId: "2" });
    assert.equal(promoted.primary?.name, version2.name);
    const [fetched] = await client.getCryptoKeyVersion({ name: version2.name });
    assert.equal(fetched.state, "ENABLED");
    const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });
    assert.equal(encrypted.name, version2.name);
  });

  it("answers NOT_FOUND for an unknown key", async () => {
    const keyName = freshKeyName();

    await assert.rejects(client.encrypt({ name: keyName, plaintext: Buffer.from("x") }), { code: status.NOT_FOUND });
    await assert.rejects(client.decrypt({ name: keyName, ciphertext: Buffer.from("x") }), { code: status.NOT_FOUND });
    await assert.rejects(client.getCryptoKey({ name: keyName }), { code: status.NOT_FOUND });
  });

  it("answers UNIMPLEMENTED for methods it does not serve", async () => {
    const keyName = freshKeyName();
    await kms.ensureCryptoKey(keyName);

    await assert.rejects(client.asymmetricSign({ name: `${keyName}/cryptoKeyVersions/1` }), {
      code: status.UNIMPLEMENTED,
    });
  });

  describe("version states, as the real API manages them", () => {
    /** Encrypts under the key's current primary; returns the ciphertext and the version that made it. */
    async function encryptNow(keyName: string, text: string) {
      const aad = Buffer.from("users/alice");
      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from(text), additionalAuthenticatedData: aad });
      return { ciphertext: Buffer.from(encrypted.ciphertext as Uint8Array), version: encrypted.name!, aad };
    }
    const decryptText = async (keyName: string, ciphertext: Buffer, aad: Buffer) =>
      Buffer.from((await client.decrypt({ name: keyName, ciphertext, additionalAuthenticatedData: aad }))[0].plaintext as Uint8Array).toString();
    const setState = (name: string, state: "ENABLED" | "DISABLED") =>
      client.updateCryptoKeyVersion({ cryptoKeyVersion: { name, state }, updateMask: { paths: ["state"] } });
    const notEnabled = (name: string, state: string) => ({
      code: status.FAILED_PRECONDITION,
      details: `${name} is not enabled, current state is: ${state}.`,
    });

    it("refuses to decrypt under a DISABLED version with FAILED_PRECONDITION, and decrypts again once it is re-enabled", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const old = await encryptNow(keyName, "under v1");
      await kms.rotate(keyName);
      const current = await encryptNow(keyName, "under v2");

      const [disabled] = await setState(old.version, "DISABLED");
      assert.equal(disabled.state, "DISABLED");
      await assert.rejects(decryptText(keyName, old.ciphertext, old.aad), notEnabled(old.version, "DISABLED"));
      assert.equal(await decryptText(keyName, current.ciphertext, current.aad), "under v2", "other versions are unaffected");

      await setState(old.version, "ENABLED");
      assert.equal(await decryptText(keyName, old.ciphertext, old.aad), "under v1");
    });

    it("refuses to encrypt when the primary is disabled, and refuses a disabled version as the new primary", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const version1 = `${keyName}/cryptoKeyVersions/1`;
      await setState(version1, "DISABLED");

      await assert.rejects(client.encrypt({ name: keyName, plaintext: Buffer.from("x") }), notEnabled(version1, "DISABLED"));
      const [version2] = await client.createCryptoKeyVersion({ parent: keyName, cryptoKeyVersion: {} });
      await client.updateCryptoKeyPrimaryVersion({ name: keyName, cryptoKeyVersionId: "2" });
      assert.equal((await encryptNow(keyName, "x")).version, version2.name);
      await assert.rejects(client.updateCryptoKeyPrimaryVersion({ name: keyName, cryptoKeyVersionId: "1" }), notEnabled(version1, "DISABLED"));
    });

    it("schedules destruction (FAILED_PRECONDITION at once), can restore it to DISABLED, and after the destroy time the material is gone", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const old = await encryptNow(keyName, "doomed");
      await kms.rotate(keyName);

      const [scheduled] = await client.destroyCryptoKeyVersion({ name: old.version });
      assert.equal(scheduled.state, "DESTROY_SCHEDULED");
      const [cryptoKey] = await client.getCryptoKey({ name: keyName });
      assert.equal(Number(cryptoKey.destroyScheduledDuration?.seconds), 30 * 24 * 3600, "real KMS's default: 30 days");
      const destroyInDays = (Number(scheduled.destroyTime?.seconds) * 1000 - Date.now()) / 86_400_000;
      assert.ok(destroyInDays > 29.9 && destroyInDays <= 30, `destroy time ${destroyInDays} days ahead`);
      await assert.rejects(decryptText(keyName, old.ciphertext, old.aad), notEnabled(old.version, "DESTROY_SCHEDULED"));
      await assert.rejects(setState(old.version, "ENABLED"), { code: status.FAILED_PRECONDITION });

      const [restored] = await client.restoreCryptoKeyVersion({ name: old.version });
      assert.equal(restored.state, "DISABLED");
      await setState(old.version, "ENABLED");
      assert.equal(await decryptText(keyName, old.ciphertext, old.aad), "doomed");

      await client.destroyCryptoKeyVersion({ name: old.version });
      await kms.completeScheduledDestruction(old.version);
      const [destroyed] = await client.getCryptoKeyVersion({ name: old.version });
      assert.equal(destroyed.state, "DESTROYED");
      assert.ok(destroyed.destroyEventTime);
      await assert.rejects(decryptText(keyName, old.ciphertext, old.aad), notEnabled(old.version, "DESTROYED"));
      await assert.rejects(client.restoreCryptoKeyVersion({ name: old.version }), { code: status.FAILED_PRECONDITION });
      await assert.rejects(client.destroyCryptoKeyVersion({ name: old.version }), { code: status.FAILED_PRECONDITION });
    });

    it("destroys a version by itself once a short destroy_scheduled_duration set at creation has passed", async () => {
      const location = "projects/demo-test/locations/global";
      const keyRingId = `ring-${randomUUID()}`;
      await client.createKeyRing({ parent: location, keyRingId, keyRing: {} });
      const [created] = await client.createCryptoKey({
        parent: `${location}/keyRings/${keyRingId}`,
        cryptoKeyId: "key",
        cryptoKey: { purpose: "ENCRYPT_DECRYPT", destroyScheduledDuration: { seconds: 0, nanos: 1_000_000 } },
      });
      const version = created.primary!.name!;
      await client.createCryptoKeyVersion({ parent: created.name, cryptoKeyVersion: {} });
      await client.updateCryptoKeyPrimaryVersion({ name: created.name, cryptoKeyVersionId: "2" });
      const [scheduled] = await client.destroyCryptoKeyVersion({ name: version });

      // Condition, not sleep: the destroy time is 1 ms after scheduling; wait until the clock has passed it.
      const destroyAt = Number(scheduled.destroyTime?.seconds) * 1000 + Number(scheduled.destroyTime?.nanos) / 1e6;
      while (Date.now() <= destroyAt) await new Promise((resolve) => setImmediate(resolve));
      const [after] = await client.getCryptoKeyVersion({ name: version });
      assert.equal(after.state, "DESTROYED");
    });

    it("updates only the state, and only to ENABLED or DISABLED", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const name = `${keyName}/cryptoKeyVersions/1`;
      await assert.rejects(client.updateCryptoKeyVersion({ cryptoKeyVersion: { name, state: "DESTROYED" }, updateMask: { paths: ["state"] } }), {
        code: status.INVALID_ARGUMENT,
      });
      await assert.rejects(client.updateCryptoKeyVersion({ cryptoKeyVersion: { name, state: "DISABLED" }, updateMask: { paths: [] } }), {
        code: status.INVALID_ARGUMENT,
      });
      await assert.rejects(
        client.updateCryptoKeyVersion({ cryptoKeyVersion: { name, state: "DISABLED" }, updateMask: { paths: ["state", "algorithm"] } }),
        { code: status.INVALID_ARGUMENT },
      );
      const [fetched] = await client.getCryptoKeyVersion({ name });
      assert.equal(fetched.state, "ENABLED");
    });
  });

  describe("fault injection", () => {
    it("surfaces an injected UNAVAILABLE as code 14 when the call opts out of retries", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      kms.injectFault({ method: "Encrypt", code: status.UNAVAILABLE });
      const callsBefore = kms.callCount("Encrypt");

      await assert.rejects(client.encrypt({ name: keyName, plaintext: Buffer.from("x") }, { retry: null }), {
        code: status.UNAVAILABLE,
      });
      assert.equal(kms.callCount("Encrypt") - callsBefore, 1);
    });

    it("is retried by the client's default settings: UNAVAILABLE for the next 2 calls still succeeds", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      kms.injectFault({ method: "Encrypt", code: status.UNAVAILABLE, times: 2 });
      const callsBefore = kms.callCount("Encrypt");

      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });

      assert.equal(encrypted.name, `${keyName}/cryptoKeyVersions/1`);
      assert.equal(kms.callCount("Encrypt") - callsBefore, 3);
    });

    it("turns a lasting UNAVAILABLE into DEADLINE_EXCEEDED once the call's timeout is spent on retries", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      kms.injectFault({ method: "Decrypt", code: status.UNAVAILABLE });
      const callsBefore = kms.callCount("Decrypt");

      await assert.rejects(client.decrypt({ name: keyName, ciphertext: Buffer.from("x") }, { timeout: 500 }), {
        code: status.DEADLINE_EXCEEDED,
      });
      assert.ok(kms.callCount("Decrypt") - callsBefore > 1, "the client retried before giving up");
    });

    it("applies a '*' fault to any method, only for the next N calls", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      kms.injectFault({ method: "*", code: status.PERMISSION_DENIED, times: 1 });

      await assert.rejects(client.getCryptoKey({ name: keyName }), { code: status.PERMISSION_DENIED });
      const [cryptoKey] = await client.getCryptoKey({ name: keyName });
      assert.equal(cryptoKey.name, keyName);
    });

    it("delays a call by the injected latency, once", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });
      // The delayed call also fails, so that "once" shows in its answer rather than in a time: how fast
      // the next call is depends on how busy the machine is.
      kms.injectFault({ method: "Decrypt", delayMs: 400, code: status.PERMISSION_DENIED, times: 1 });

      const delayed = await elapsedMs(() => assert.rejects(client.decrypt({ name: keyName, ciphertext: encrypted.ciphertext }), { code: status.PERMISSION_DENIED }));
      const [decrypted] = await client.decrypt({ name: keyName, ciphertext: encrypted.ciphertext });

      assert.ok(delayed >= 395, `delayed call took ${delayed.toFixed(0)} ms`);
      assert.equal(Buffer.from(decrypted.plaintext as Uint8Array).toString(), "x");
    });

    it("lets injected latency run past the caller's deadline", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      kms.injectFault({ method: "GetCryptoKey", delayMs: 1000 });

      await assert.rejects(client.getCryptoKey({ name: keyName }, { timeout: 100, retry: null }), {
        code: status.DEADLINE_EXCEEDED,
      });
    });

    it("counts calls per method, so a test can prove that no KMS request was made", async () => {
      const keyName = freshKeyName();
      await kms.ensureCryptoKey(keyName);
      const encryptsBefore = kms.callCount("Encrypt");
      const decryptsBefore = kms.callCount("Decrypt");
      const allBefore = kms.callCount("*");

      await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });

      assert.equal(kms.callCount("Encrypt") - encryptsBefore, 1);
      assert.equal(kms.callCount("Decrypt") - decryptsBefore, 0);
      assert.equal(kms.callCount("*") - allBefore, 1);
    });
  });
});

describe("local KMS persistence", () => {
  const temporaryDirs: string[] = [];

  async function freshDataDir(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "local-kms-"));
    temporaryDirs.push(dir);
    return dir;
  }

  /** Runs `action` against a server that is stopped afterwards, as a restart would. */
  async function withServer<T>(dataDir: string | undefined, action: (kms: LocalKms, client: KeyManagementServiceClient) => Promise<T>): Promise<T> {
    const kms = await startLocalKms({ port: 0, dataDir });
    const client = kmsClient(kms);
    try {
      return await action(kms, client);
    } finally {
      await client.close();
      await kms.stop();
    }
  }

  after(async () => {
    await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("decrypts old ciphertexts and keeps the primary after a restart with the same dataDir", async () => {
    const dataDir = await freshDataDir();
    const keyName = freshKeyName();
    const aad = Buffer.from("users/alice");

    const ciphertext = await withServer(dataDir, async (kms, client) => {
      await kms.ensureCryptoKey(keyName);
      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("survives"), additionalAuthenticatedData: aad });
      await kms.rotate(keyName);
      await client.destroyCryptoKeyVersion({ name: `${keyName}/cryptoKeyVersions/2` });
      return encrypted.ciphertext;
    });

    await withServer(dataDir, async (_kms, client) => {
      const [decrypted] = await client.decrypt({ name: keyName, ciphertext, additionalAuthenticatedData: aad });
      assert.equal(Buffer.from(decrypted.plaintext as Uint8Array).toString(), "survives");
      assert.equal(decrypted.usedPrimary, false);
      const [scheduled] = await client.getCryptoKeyVersion({ name: `${keyName}/cryptoKeyVersions/2` });
      assert.equal(scheduled.state, "DESTROY_SCHEDULED", "version states survive a restart");
      await client.restoreCryptoKeyVersion({ name: scheduled.name });
      await client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: scheduled.name, state: "ENABLED" }, updateMask: { paths: ["state"] } });
      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("x") });
      assert.equal(encrypted.name, `${keyName}/cryptoKeyVersions/2`);
    });
    assert.deepEqual(await readdir(dataDir), ["local-kms.json"], "only the state file, no temp file left behind");
  });

  it("forgets everything on restart without a dataDir", async () => {
    const keyName = freshKeyName();

    const ciphertext = await withServer(undefined, async (kms, client) => {
      await kms.ensureCryptoKey(keyName);
      const [encrypted] = await client.encrypt({ name: keyName, plaintext: Buffer.from("gone") });
      return encrypted.ciphertext;
    });

    await withServer(undefined, async (_kms, client) => {
      await assert.rejects(client.decrypt({ name: keyName, ciphertext }), { code: status.NOT_FOUND });
    });
  });
});
