import assert from "node:assert/strict";
import { mayUseSharedKey, resolveCallerKey, type CallerAccount, type DefaultKeyPolicy, type OwnKeyPolicy } from "../../functions/src/ai/caller-key";
import { AppError, keyStoreUnavailable, ownKeyDailyLimitReached, rateLimited } from "../../functions/src/errors";
import type { Provider } from "../../functions/src/providers";
import { fakeGeminiKey, fakeOpenAiKey } from "../support/keys";

/** A vault holding one key (or none) for `provider`; it records which read was asked for. */
const vaultWith = (apiKey: string | null, dailyLimit?: number, provider: Provider = "googleai") => {
  const stored = apiKey === null ? null : { apiKey, keyId: "key-1", ...(dailyLimit === undefined ? {} : { dailyLimit }) };
  const reads: string[] = [];
  return {
    reads,
    readApiKey: async (_uid: string, asked: Provider) => {
      reads.push(asked);
      return asked === provider ? stored : null;
    },
    readPreferredApiKey: async () => {
      reads.push("preferred");
      return stored && { ...stored, provider };
    },
  };
};
const policy = (overrides: Partial<DefaultKeyPolicy> = {}): DefaultKeyPolicy => ({
  allowed: false,
  dailyCap: 3,
  readKey: () => "",
  consumeAllowance: async () => undefined,
  project: { ensureClosed: async () => undefined, consumeBudget: async () => undefined },
  ...overrides,
});
const uncountedOwnKey: OwnKeyPolicy = { countCall: async () => undefined };
/** resolveCallerKey, counting nothing on the own key unless a test says otherwise. */
const resolve = (
  caller: Parameters<typeof resolveCallerKey>[0],
  vault: Parameters<typeof resolveCallerKey>[2],
  defaultKey: DefaultKeyPolicy,
  ownKey: OwnKeyPolicy = uncountedOwnKey,
  requested?: Provider,
) => resolveCallerKey(caller, requested, vault, defaultKey, ownKey);
const verified: CallerAccount = { emailVerified: true, signInProvider: "password" };
const alice = { uid: "alice", account: verified };
const reasonOf = (error: unknown) => (error instanceof AppError ? error.reason : String(error));

describe("resolveCallerKey", () => {
  it("uses the caller's own key when they have one, without touching the project's", async () => {
    const own = fakeGeminiKey();
    let allowanceUsed = false;
    const resolved = await resolve(alice, vaultWith(own), policy({ allowed: true, readKey: () => fakeGeminiKey(), consumeAllowance: async () => void (allowanceUsed = true) }));
    assert.deepEqual(resolved, { apiKey: own, keyId: "key-1", provider: "googleai", keySource: "user" });
    assert.equal(allowanceUsed, false);
  });

  it("is KEY_MISSING without a key of one's own when the fallback is off", async () => {
    await assert.rejects(resolve(alice, vaultWith(null), policy()), (e) => reasonOf(e) === "KEY_MISSING");
  });

  it("falls back on the project's key within the daily allowance when allowed", async () => {
    const projectKey = fakeGeminiKey();
    const counted: Array<[string, number]> = [];
    const resolved = await resolve(alice, vaultWith(null), policy({ allowed: true, readKey: () => projectKey, consumeAllowance: async (uid, cap) => void counted.push([uid, cap]) }));
    assert.deepEqual(resolved, { apiKey: projectKey, provider: "googleai", keySource: "default" });
    assert.deepEqual(counted, [["alice", 3]]);
  });

  it("says QUOTA_EXCEEDED, and when to retry, once the daily allowance is used up", async () => {
    const error = await resolve(alice, vaultWith(null), policy({ allowed: true, readKey: () => fakeGeminiKey(), consumeAllowance: async () => { throw rateLimited(5000); } })).catch((e: unknown) => e);
    assert.equal(reasonOf(error), "QUOTA_EXCEEDED");
    assert.ok(error instanceof AppError);
    assert.equal(error.extra.retryAfterSeconds, 5000);
    assert.match(error.message, /own Gemini API key/);
  });

  it("is KEY_MISSING when the fallback is on but the secret is empty", async () => {
    await assert.rejects(resolve(alice, vaultWith(null), policy({ allowed: true })), (e) => reasonOf(e) === "KEY_MISSING");
  });

  it("passes a key-store failure on as KEY_STORE_UNAVAILABLE", async () => {
    const failingVault = { readApiKey: async () => { throw keyStoreUnavailable(); }, readPreferredApiKey: async () => { throw keyStoreUnavailable(); } };
    await assert.rejects(resolve(alice, failingVault, policy({ allowed: true })), (e) => reasonOf(e) === "KEY_STORE_UNAVAILABLE");
  });

  it("refuses the shared key to an unverified or anonymous account with KEY_MISSING, before counting anything", async () => {
    let counted = false;
    const counting = policy({
      allowed: true,
      readKey: () => fakeGeminiKey(),
      consumeAllowance: async () => void (counted = true),
      project: { ensureClosed: async () => void (counted = true), consumeBudget: async () => void (counted = true) },
    });
    for (const account of [{ emailVerified: false, signInProvider: "password" }, { emailVerified: true, signInProvider: "anonymous" }, { emailVerified: false }]) {
      const error = await resolve({ uid: "mallory", account }, vaultWith(null), counting).catch((e: unknown) => e);
      assert.equal(reasonOf(error), "KEY_MISSING");
      assert.match((error as Error).message, /verified email address/);
    }
    assert.equal(counted, false);
  });

  it("checks the shared key's breaker first, then the user's cap, then the project's budget", async () => {
    const order: string[] = [];
    await resolve(alice, vaultWith(null), policy({
      allowed: true,
      readKey: () => fakeGeminiKey(),
      consumeAllowance: async () => void order.push("user cap"),
      project: { ensureClosed: async () => void order.push("breaker"), consumeBudget: async () => void order.push("project budget") },
    }));
    assert.deepEqual(order, ["breaker", "user cap", "project budget"]);
  });

  it("lets verified accounts of any sign-in method but anonymous use the shared key", () => {
    assert.equal(mayUseSharedKey({ emailVerified: true, signInProvider: "password" }), true);
    assert.equal(mayUseSharedKey({ emailVerified: true, signInProvider: "google.com" }), true);
    assert.equal(mayUseSharedKey({ emailVerified: true, signInProvider: "anonymous" }), false);
    assert.equal(mayUseSharedKey({ emailVerified: false, signInProvider: "password" }), false);
  });

  it("counts each call on the user's own key, with the daily limit they set (or none)", async () => {
    const counted: Array<[string, Provider, number | undefined]> = [];
    const counting: OwnKeyPolicy = { countCall: async (uid, provider, dailyLimit) => void counted.push([uid, provider, dailyLimit]) };
    const resolved = await resolve(alice, vaultWith(fakeGeminiKey(), 30), policy(), counting);
    assert.equal(resolved.keySource, "user");
    assert.ok(!("dailyLimit" in resolved), "the limit is not part of the key handed on");
    await resolve(alice, vaultWith(fakeOpenAiKey(), undefined, "openai"), policy(), counting);
    assert.deepEqual(counted, [["alice", "googleai", 30], ["alice", "openai", undefined]]);
  });

  it("passes the own key's daily limit refusal on, without falling back on the shared key", async () => {
    const refusing: OwnKeyPolicy = { countCall: async () => { throw ownKeyDailyLimitReached(30, 3600); } };
    const error = await resolve(alice, vaultWith(fakeGeminiKey(), 30), policy({ allowed: true, readKey: () => fakeGeminiKey() }), refusing).catch((e: unknown) => e);
    assert.equal(reasonOf(error), "QUOTA_EXCEEDED");
    assert.match((error as Error).message, /30 AI requests your daily limit allows/);
  });

  it("without a provider named, takes the vault's choice (preferred, else first usable) and says which provider it is", async () => {
    const own = fakeOpenAiKey();
    const vault = vaultWith(own, undefined, "openai");
    const resolved = await resolve(alice, vault, policy());
    assert.deepEqual(resolved, { apiKey: own, keyId: "key-1", provider: "openai", keySource: "user" });
    assert.deepEqual(vault.reads, ["preferred"]);
  });

  it("with a provider named, reads that provider's key only", async () => {
    const own = fakeOpenAiKey();
    const vault = vaultWith(own, undefined, "openai");
    assert.equal((await resolve(alice, vault, policy(), uncountedOwnKey, "openai")).apiKey, own);
    assert.deepEqual(vault.reads, ["openai"]);
  });

  it("reads the key record while the per-minute limit is still deciding, hands the vault that decision as the gate of its decryption, and counts nothing for a refused call", async () => {
    for (const requested of ["googleai", undefined] as const) {
      const gates: Array<Promise<unknown> | undefined> = [];
      const vault = {
        readApiKey: async (_uid: string, _provider: Provider, gate?: { decryptAfter?: Promise<unknown> }) => {
          gates.push(gate?.decryptAfter);
          await gate?.decryptAfter;
          return { apiKey: fakeGeminiKey(), keyId: "key-1" };
        },
        readPreferredApiKey: async (_uid: string, gate?: { decryptAfter?: Promise<unknown> }) => {
          gates.push(gate?.decryptAfter);
          await gate?.decryptAfter;
          return { apiKey: fakeGeminiKey(), keyId: "key-1", provider: "googleai" as const };
        },
      };
      let refuse!: (error: unknown) => void;
      const admitted = new Promise((_resolve, reject) => (refuse = reject));
      let counted = false;
      const resolving = resolve({ ...alice, admitted }, vault, policy(), { countCall: async () => void (counted = true) }, requested).catch((e: unknown) => e);
      await Promise.resolve();
      assert.equal(gates.length, 1, "the key record is read before the limit has decided");
      assert.equal(gates[0], admitted);
      refuse(rateLimited(30));
      assert.equal(reasonOf(await resolving), "RATE_LIMITED");
      assert.equal(counted, false);
    }
  });

  it("with no key of one's own, waits for the per-minute limit before anything on the shared key", async () => {
    let touched = false;
    const generous = policy({ allowed: true, readKey: () => fakeGeminiKey(), consumeAllowance: async () => void (touched = true), project: { ensureClosed: async () => void (touched = true), consumeBudget: async () => void (touched = true) } });
    const error = await resolve({ ...alice, admitted: Promise.reject(rateLimited(30)) }, vaultWith(null), generous).catch((e: unknown) => e);
    assert.equal(reasonOf(error), "RATE_LIMITED");
    assert.equal(touched, false);
  });

  it("never falls back on the shared (Gemini) key for a call that named another provider: KEY_MISSING naming that provider", async () => {
    let allowanceUsed = false;
    const generous = policy({ allowed: true, readKey: () => fakeGeminiKey(), consumeAllowance: async () => void (allowanceUsed = true) });
    const error = await resolve(alice, vaultWith(null), generous, uncountedOwnKey, "anthropic").catch((e: unknown) => e);
    assert.equal(reasonOf(error), "KEY_MISSING");
    assert.match((error as Error).message, /Anthropic API key/);
    assert.equal(allowanceUsed, false);
  });
});
