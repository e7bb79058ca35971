import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  EnvelopeIntegrityError,
  openSecret,
  sealSecret,
  secretAad,
  type DataKeyWrapper,
} from "../../functions/src/vault/envelope";
import { fakeGeminiKey } from "../support/keys";

/** An in-process stand-in for KMS (pure-logic unit test only): AES-GCM under a fixed key, AAD-bound like KMS. */
function fakeKms(): DataKeyWrapper & { wraps: number } {
  const masterKey = randomBytes(32);
  const wrapper = {
    wraps: 0,
    async wrap(dataKey: Buffer, aad: Buffer) {
      wrapper.wraps++;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { wrappedDataKey: Buffer.concat([iv, cipher.getAuthTag(), body]), kmsKeyVersion: "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1" };
    },
    async unwrap(wrapped: Buffer, aad: Buffer) {
      const decipher = createDecipheriv("aes-256-gcm", masterKey, wrapped.subarray(0, 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(wrapped.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
      } catch {
        throw new EnvelopeIntegrityError();
      }
    },
  };
  return wrapper;
}

describe("envelope encryption", () => {
  it("round-trips a key and records the KMS key version that wrapped it", async () => {
    const kms = fakeKms();
    const apiKey = fakeGeminiKey();
    const envelope = await sealSecret(apiKey, secretAad("alice", "googleai"), kms);
    assert.equal(envelope.formatVersion, 1);
    assert.equal(envelope.algorithm, "AES-256-GCM");
    assert.match(envelope.kmsKeyVersion, /cryptoKeyVersions\/1$/);
    assert.equal(await openSecret(envelope, secretAad("alice", "googleai"), kms), apiKey);
  });

  it("never stores the plaintext, and uses a fresh data key and IV for every secret", async () => {
    const kms = fakeKms();
    const apiKey = fakeGeminiKey();
    const first = await sealSecret(apiKey, secretAad("alice", "googleai"), kms);
    const second = await sealSecret(apiKey, secretAad("alice", "googleai"), kms);
    for (const envelope of [first, second]) {
      const serialized = Buffer.concat([envelope.ciphertext, envelope.wrappedDataKey, envelope.iv]).toString("latin1");
      assert.ok(!serialized.includes(apiKey) && !serialized.includes(apiKey.slice(4, 20)));
    }
    assert.notDeepEqual(first.ciphertext, second.ciphertext);
    assert.notDeepEqual(first.wrappedDataKey, second.wrappedDataKey);
    assert.notDeepEqual(first.iv, second.iv);
    assert.equal(kms.wraps, 2);
  });

  it("refuses to open a record under another user's or provider's binding", async () => {
    const kms = fakeKms();
    const envelope = await sealSecret(fakeGeminiKey(), secretAad("alice", "googleai"), kms);
    await assert.rejects(openSecret(envelope, secretAad("mallory", "googleai"), kms), EnvelopeIntegrityError);
  });

  it("detects a tampered ciphertext even when the data key still unwraps", async () => {
    const kms = fakeKms();
    const aad = secretAad("alice", "googleai");
    const envelope = await sealSecret(fakeGeminiKey(), aad, kms);
    const tampered = Buffer.from(envelope.ciphertext);
    tampered[0] ^= 0x01;
    await assert.rejects(openSecret({ ...envelope, ciphertext: tampered }, aad, kms), EnvelopeIntegrityError);
  });

  it("binds the AES-GCM layer to the owner too, not only the KMS layer", async () => {
    const kms = fakeKms();
    const envelope = await sealSecret(fakeGeminiKey(), secretAad("alice", "googleai"), kms);
    // A wrapper that ignores AAD (as a misconfigured KMS would) must still not let the secret open elsewhere.
    const laxKms: DataKeyWrapper = { wrap: (dataKey, aad) => kms.wrap(dataKey, aad), unwrap: (wrapped) => kms.unwrap(wrapped, secretAad("alice", "googleai")) };
    await assert.rejects(openSecret(envelope, secretAad("mallory", "googleai"), laxKms), EnvelopeIntegrityError);
  });

  it("rejects an unknown format version instead of guessing", async () => {
    const kms = fakeKms();
    const aad = secretAad("alice", "googleai");
    const envelope = await sealSecret(fakeGeminiKey(), aad, kms);
    await assert.rejects(openSecret({ ...envelope, formatVersion: 2 as 1 }, aad, kms), EnvelopeIntegrityError);
  });
});
