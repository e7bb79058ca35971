import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { cachingUnwrap } from "../../functions/src/vault/data-key-cache";
import type { DataKeyWrapper } from "../../functions/src/vault/envelope";

function countingWrapper(): DataKeyWrapper & { unwraps: number } {
  const wrapper = {
    unwraps: 0,
    wrap: async (dataKey: Buffer) => ({ wrappedDataKey: Buffer.from(dataKey), kmsKeyVersion: "v1" }),
    unwrap: async (wrapped: Buffer) => {
      wrapper.unwraps++;
      return Buffer.from(wrapped);
    },
  };
  return wrapper;
}

describe("data key cache", () => {
  it("serves a warm unwrap without calling KMS, and hands out copies callers may zero", async () => {
    const kms = countingWrapper();
    const cache = cachingUnwrap(kms, { maxEntries: 10, ttlMs: 60_000 });
    const wrapped = randomBytes(32);
    const aad = Buffer.from("alice");
    const first = await cache.unwrap(wrapped, aad);
    first.fill(0);
    const second = await cache.unwrap(wrapped, aad);
    assert.deepEqual(second, wrapped);
    assert.equal(kms.unwraps, 1);
  });

  it("asks KMS once for concurrent misses of one data key, and again after a failed call", async () => {
    const kms = countingWrapper();
    const cache = cachingUnwrap(kms, { maxEntries: 10, ttlMs: 60_000 });
    const wrapped = randomBytes(32);
    const aad = Buffer.from("alice");
    const keys = await Promise.all(Array.from({ length: 20 }, () => cache.unwrap(wrapped, aad)));
    assert.equal(kms.unwraps, 1);
    keys[0].fill(0); // each caller holds its own copy
    assert.ok(keys.slice(1).every((key) => key.equals(wrapped)));

    const failing: DataKeyWrapper = { wrap: (dataKey, aad) => kms.wrap(dataKey, aad), unwrap: async () => Promise.reject(new Error("KMS down")) };
    const flaky = cachingUnwrap(failing, { maxEntries: 10, ttlMs: 60_000 });
    await assert.rejects(Promise.all([flaky.unwrap(wrapped, aad), flaky.unwrap(wrapped, aad)]), /KMS down/);
    await assert.rejects(flaky.unwrap(wrapped, aad), /KMS down/); // the failure was not cached
  });

  it("keys entries by owner: the same wrapped key under another AAD goes to KMS", async () => {
    const kms = countingWrapper();
    const cache = cachingUnwrap(kms, { maxEntries: 10, ttlMs: 60_000 });
    const wrapped = randomBytes(32);
    await cache.unwrap(wrapped, Buffer.from("alice"));
    await cache.unwrap(wrapped, Buffer.from("mallory"));
    assert.equal(kms.unwraps, 2);
  });

  it("expires entries after the TTL", async () => {
    let now = 0;
    const kms = countingWrapper();
    const cache = cachingUnwrap(kms, { maxEntries: 10, ttlMs: 1_000, now: () => now });
    const wrapped = randomBytes(32);
    await cache.unwrap(wrapped, Buffer.from("a"));
    now = 999;
    await cache.unwrap(wrapped, Buffer.from("a"));
    now = 1_000;
    await cache.unwrap(wrapped, Buffer.from("a"));
    assert.equal(kms.unwraps, 2);
  });

  it("stays within its size bound, dropping the least recently used entry", async () => {
    const kms = countingWrapper();
    const cache = cachingUnwrap(kms, { maxEntries: 2, ttlMs: 60_000 });
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const aad = Buffer.from("x");
    await cache.unwrap(a, aad);
    await cache.unwrap(b, aad);
    await cache.unwrap(a, aad); // a is now the most recent
    await cache.unwrap(c, aad); // evicts b
    assert.equal(kms.unwraps, 3);
    await cache.unwrap(a, aad);
    assert.equal(kms.unwraps, 3);
    await cache.unwrap(b, aad);
    assert.equal(kms.unwraps, 4);
  });
});
