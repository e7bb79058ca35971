import assert from "node:assert/strict";
import { classifyGeminiFailure } from "../../functions/src/provider-apis/gemini/errors";

/** Bodies as Google returns them (docs/gemini-api.md). */
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

  it("treats 2026's 401 ACCESS_TOKEN_TYPE_UNSUPPORTED as a rejected key, whatever its OAuth message says", () => {
    const tokenType = body(401, "UNAUTHENTICATED", [errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED")], "Expected OAuth 2 access token, login cookie or other valid authentication credential.");
    assert.deepEqual(classifyGeminiFailure(401, tokenType), { kind: "key_invalid" });
    assert.deepEqual(classifyGeminiFailure(undefined, tokenType), { kind: "key_invalid" }, "by the ErrorInfo reason alone");
  });

  it("treats a 404 NOT_FOUND model as the model's problem, never the key's", () => {
    const notFound = body(404, "NOT_FOUND", [], "models/gemini-2.5-flash is not found for API version v1beta, or is not supported for generateContent.");
    assert.deepEqual(classifyGeminiFailure(404, notFound), { kind: "model_unavailable" });
    assert.deepEqual(classifyGeminiFailure(404, undefined), { kind: "model_unavailable" });
  });

  it("still rejects the key first when Google's body says so, whatever the status", () => {
    assert.deepEqual(classifyGeminiFailure(404, body(404, "NOT_FOUND", [errorInfo("API_KEY_INVALID")])), { kind: "key_invalid" });
  });

  it("reads the retry delay of a quota error from RetryInfo", () => {
    const quota = body(429, "RESOURCE_EXHAUSTED", [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "59s" },
    ]);
    assert.deepEqual(classifyGeminiFailure(429, quota), { kind: "quota", retryAfterSeconds: 59 });
    assert.deepEqual(classifyGeminiFailure(429, undefined), { kind: "quota", retryAfterSeconds: undefined });
  });

  it("treats 503 UNAVAILABLE (overloaded, high demand) as a busy model, by its status or its code", () => {
    assert.deepEqual(classifyGeminiFailure(503, body(503, "UNAVAILABLE")), { kind: "model_busy" });
    assert.deepEqual(classifyGeminiFailure(undefined, body(503, "UNAVAILABLE")), { kind: "model_busy" });
  });

  it("treats server errors, timeouts and unreadable answers as transient", () => {
    assert.deepEqual(classifyGeminiFailure(500, body(500, "INTERNAL")), { kind: "transient" });
    assert.deepEqual(classifyGeminiFailure(504, "<html>gateway</html>"), { kind: "transient" });
    assert.deepEqual(classifyGeminiFailure(undefined, undefined), { kind: "transient" });
  });

  it("does not read the message text, which can quote the key", () => {
    const misleading = body(400, "INVALID_ARGUMENT", [], "API key not valid. Please pass a valid API key.");
    assert.deepEqual(classifyGeminiFailure(400, misleading), { kind: "unexpected" });
  });
});
