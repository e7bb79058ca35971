import { createHash } from "node:crypto";
import type { DataKeyWrapper } from "./envelope";

export interface DataKeyCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}

/**
 * Keeps unwrapped data keys for a short time so a warm instance decrypts a user's key without a KMS
 * round trip. Entries are keyed by the wrapped key *and* its AAD (which names the owner), hold data
 * keys only (never API keys), and are bounded in count (least recently used goes first) and age.
 * Concurrent misses for one data key share a single KMS call, so an instance asks KMS at most once per
 * data key per TTL, however many of its requests arrive together (a failed call is not remembered).
 */
export function cachingUnwrap(inner: DataKeyWrapper, options: DataKeyCacheOptions): DataKeyWrapper {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { dataKey: Buffer; expiresAt: number }>();
  const inFlight = new Map<string, Promise<Buffer>>();
  const cacheKey = (wrappedDataKey: Buffer, aad: Buffer) =>
    createHash("sha256").update(aad).update("\0").update(wrappedDataKey).digest("base64");
  const drop = (key: string) => {
    entries.get(key)?.dataKey.fill(0);
    entries.delete(key);
  };

  return {
    wrap: (dataKey, aad) => inner.wrap(dataKey, aad),

    async unwrap(wrappedDataKey, aad) {
      const key = cacheKey(wrappedDataKey, aad);
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) {
        entries.delete(key);
        entries.set(key, hit); // re-insert: Map order is the recency order
        return Buffer.from(hit.dataKey); // a copy: callers zero theirs after use
      }
      if (hit) drop(key);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = inner.unwrap(wrappedDataKey, aad).then((dataKey) => {
          entries.set(key, { dataKey: Buffer.from(dataKey), expiresAt: now() + options.ttlMs });
          while (entries.size > options.maxEntries) drop(entries.keys().next().value as string);
          // Every caller waiting on this call copies it in a microtask; zero the shared one after them.
          setImmediate(() => dataKey.fill(0));
          return dataKey;
        });
        inFlight.set(key, pending);
        const forget = () => inFlight.delete(key);
        pending.then(forget, forget);
      }
      return Buffer.from(await pending); // a copy each: callers zero theirs after use
    },
  };
}
