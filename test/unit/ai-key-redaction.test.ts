import assert from "node:assert/strict";
import { redactDeep, redactKeys } from "../../functions/src/ai/key-redaction";
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
});
