import assert from "node:assert/strict";
import { AppError } from "../../functions/src/errors";
import { parseInput } from "../../functions/src/callables/request";
import { SetApiKeyInputSchema } from "../../functions/src/keys/schemas";
import { isRetiredKeyShape, isWellFormedKey, keyHint } from "../../functions/src/providers";
import { fakeGeminiKey } from "../support/keys";

function invalidInputMessage(data: unknown): string {
  try {
    parseInput(SetApiKeyInputSchema, data);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.reason, "INVALID_INPUT");
    return error.message;
  }
  return assert.fail("expected INVALID_INPUT");
}

describe("key format and input validation", () => {
  it("accepts today's auth keys: exactly AQ. + 50 URL-safe characters", () => {
    const key = fakeGeminiKey();
    assert.ok(isWellFormedKey("googleai", key));
    assert.ok(!isRetiredKeyShape("googleai", key));
    assert.ok(!isWellFormedKey("googleai", key.slice(0, -1)));
    assert.ok(!isWellFormedKey("googleai", `${key}x`));
    assert.ok(!isWellFormedKey("googleai", `AQ:${key.slice(3)}`), "the dot is a dot, not any character");
    assert.ok(!isWellFormedKey("googleai", `AR.${key.slice(3)}`));
    assert.ok(!isWellFormedKey("googleai", `${key.slice(0, -1)}!`));
  });

  it("accepts retired standard keys (AIza + 35) as well-formed, marked retired, so Google gives the verdict", () => {
    const key = fakeGeminiKey("", "standard");
    assert.ok(isWellFormedKey("googleai", key));
    assert.ok(isRetiredKeyShape("googleai", key));
    assert.ok(!isWellFormedKey("googleai", key.slice(0, -1)));
    assert.ok(!isWellFormedKey("googleai", `AIzb${key.slice(4)}`));
  });

  it("hints a key by its prefix and last four characters only", () => {
    const key = fakeGeminiKey();
    const legacy = fakeGeminiKey("", "standard");
    assert.equal(keyHint("googleai", key), `AQ.…${key.slice(-4)}`);
    assert.equal(keyHint("googleai", legacy), `AIza…${legacy.slice(-4)}`);
  });

  it("trims the key and applies defaults", () => {
    const key = fakeGeminiKey();
    assert.deepEqual(parseInput(SetApiKeyInputSchema, { apiKey: `  ${key}\n` }), { apiKey: key, provider: "googleai", verify: true });
  });

  it("names the field and problem without echoing the value", () => {
    const key = fakeGeminiKey();
    for (const data of [{ apiKey: 42 }, { apiKey: key, provider: key }, { apiKey: key, verify: key }, { apiKey: key, [key]: 1 }, {}]) {
      const message = invalidInputMessage(data);
      assert.ok(!message.includes(key) && !message.includes(key.slice(4, 14)), message);
    }
    assert.match(invalidInputMessage({ apiKey: 42 }), /apiKey must be string/);
    assert.match(invalidInputMessage({}), /apiKey is required/);
    assert.match(invalidInputMessage({ apiKey: key, provider: "mistral" }), /provider must be one of googleai, openai, anthropic/);
    assert.match(invalidInputMessage({ apiKey: key, extra: true }), /unexpected fields/);
    assert.match(invalidInputMessage({ apiKey: "x".repeat(10_000) }), /at most 512 characters/);
  });
});
