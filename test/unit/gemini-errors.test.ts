import assert from "node:assert/strict";
import { classifyGeminiFailure } from "../../functions/src/ai/gemini-errors";

/** Bodies as Google returns them (shared/reference/gemini-api-errors.md). */
const errorInfo = (reason: string) => ({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "googleapis.com" });
const body = (code: number, status: string, details: unknown[] = [], message = "irrelevant") => ({ error: { code, message, status, details } });

describe("classifyGeminiFailure", () => {
  it("treats an invalid or expired key (400 API_KEY_INVALID) as a rejected key", () => {
    assert.deepEqual(classifyGeminiFailure(400, body(400, "INVALID_ARGUMENT", [errorInfo("API_KEY_INVALID")])), { kind: "key_invalid" });
  });

  it("treats blocked, disabled and suspended keys (403) as rejected keys", () => {
    for (const reason of ["API_KEY_SERVICE_BLOCKED", "SERVICE_DISABLED", "CONSUMER_SUSPENDED"]) {
      assert.deepEqual(classifyGeminiFailure(403, body(403, "PERMISSION_DENIED", [errorInfo(reason)])), { kind: "key_invalid" }, reason);
    }
    assert.deepEqual(classifyGeminiFailure(403, body(403, "PERMISSION_DENIED")), { kind: "key_invalid" });
  });

  it("reads the retry delay of a quota error from RetryInfo", () => {
    const quota = body(429, "RESOURCE_EXHAUSTED", [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "59s" },
    ]);
    assert.deepEqual(classifyGeminiFailure(429, quota), { kind: "quota", retryAfterSeconds: 59 });
    assert.deepEqual(classifyGeminiFailure(429, undefined), { kind: "quota", retryAfterSeconds: undefined });
  });

  it("treats server errors, timeouts and unreadable answers as transient", () => {
    assert.deepEqual(classifyGeminiFailure(500, body(500, "INTERNAL")), { kind: "transient" });
    assert.deepEqual(classifyGeminiFailure(503, body(503, "UNAVAILABLE")), { kind: "transient" });
    assert.deepEqual(classifyGeminiFailure(504, "<html>gateway</html>"), { kind: "transient" });
    assert.deepEqual(classifyGeminiFailure(undefined, undefined), { kind: "transient" });
  });

  it("does not read the message text, which can quote the key", () => {
    const misleading = body(400, "INVALID_ARGUMENT", [], "API key not valid. Please pass a valid API key.");
    assert.deepEqual(classifyGeminiFailure(400, misleading), { kind: "unexpected" });
  });
});
