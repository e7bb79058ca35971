import assert from "node:assert/strict";
import { circularReference, redactDeep, redactKeys } from "../../functions/src/redaction/key-redaction";
import { fakeGeminiKey, keyShaped } from "../support/keys";

describe("key redaction (Genkit's log sinks)", () => {
  it("removes every key-shaped token from text, such as Google's message for a suspended key", () => {
    const key = fakeGeminiKey("suspended");
    const text = `Permission denied: Consumer 'api_key:${key}' has been suspended. (${key})`;
    const redacted = redactKeys(text);
    assert.ok(!redacted.includes(key));
    assert.ok(!keyShaped.test(redacted));
    assert.match(redacted, /Consumer 'api_key:\[redacted key\]'/);
  });

  it("recognises both shapes of Gemini key: today's auth keys and retired standard keys", () => {
    for (const key of [fakeGeminiKey(), fakeGeminiKey("", "standard")]) {
      assert.equal(redactKeys(`key=${key};`), "key=[redacted key];");
    }
  });

  it("walks nested log arguments and errors", () => {
    const key = fakeGeminiKey();
    const error = new Error(`failed with ${key}`);
    const out = JSON.stringify(redactDeep(["message", { nested: [{ detail: key }], error }]));
    assert.ok(!out.includes(key));
    assert.match(out, /failed with \[redacted key\]/);
  });

  it("redacts at every depth: a key nested 20 and 20,000 levels down (deeper than the call stack lets a recursion go)", function () {
    this.timeout(60_000); // linear work, but this machine's cores are shared
    for (const depth of [20, 20_000]) {
      const key = fakeGeminiKey();
      let nested: unknown = { detail: `Consumer 'api_key:${key}' has been suspended.` };
      for (let level = 0; level < depth; level++) nested = level % 2 === 0 ? { inner: nested } : [nested];
      const copy = redactDeep(nested);
      let innermost = copy as Record<string, unknown> | unknown[];
      for (let level = 0; level < depth; level++) innermost = (Array.isArray(innermost) ? innermost[0] : innermost.inner) as typeof innermost;
      assert.equal((innermost as Record<string, unknown>).detail, "Consumer 'api_key:[redacted key]' has been suspended.", `depth ${depth}`);
    }
  });

  it("ends at a cycle, keeps shared parts, and redacts key-shaped property names", () => {
    const key = fakeGeminiKey();
    const shared = { text: key };
    const cyclic: Record<string, unknown> = { first: shared, second: shared, [key]: "named by the key" };
    cyclic.self = cyclic;
    const copy = redactDeep(cyclic) as Record<string, unknown>;
    assert.equal(copy.self, circularReference);
    assert.deepEqual(copy.first, { text: "[redacted key]" });
    assert.deepEqual(copy.second, { text: "[redacted key]" });
    assert.equal(copy["[redacted key]"], "named by the key");
    assert.ok(!keyShaped.test(JSON.stringify(copy)));
  });

  it("survives a property that throws when read", () => {
    const hostile = Object.defineProperty({}, "boom", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    assert.deepEqual(redactDeep({ hostile, ok: "fine" }), { hostile: "[unreadable]", ok: "fine" });
  });
});
