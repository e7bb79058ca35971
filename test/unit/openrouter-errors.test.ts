import assert from "node:assert/strict";
import { verdictOfKeyData } from "../../functions/src/provider-apis/openrouter/check-key";
import { classifyOpenRouterFailure } from "../../functions/src/provider-apis/openrouter/errors";

const body = (code: number, message = "", metadata?: Record<string, unknown>) => ({ error: { code, message, ...(metadata ? { metadata } : {}) } });
const headers = (values: Record<string, string>) => new Headers(values);

describe("OpenRouter error classification (structured fields only)", () => {
  const table: Array<[number, unknown, string]> = [
    [400, body(400, "Bad request"), "unexpected"],
    [401, body(401, "User not found."), "key_invalid"],
    [402, body(402, "Insufficient credits", { limit_source: "openrouter_key_limit" }), "quota"],
    [403, body(403, "flagged", { reasons: ["harassment"], flagged_input: "…" }), "blocked"],
    [404, body(404, "No endpoints found that can handle the requested parameters."), "model_unavailable"],
    [408, body(408, "Timed out"), "transient"],
    [429, body(429, "Rate limited"), "rate_limited"],
    [502, body(502, "Provider returned error"), "model_busy"],
    [503, body(503, "No available model provider"), "model_busy"],
    [500, "<html>oops</html>", "transient"],
  ];
  for (const [status, answer, kind] of table) {
    it(`${status} → ${kind}`, () => assert.equal(classifyOpenRouterFailure(status, answer).kind, kind));
  }

  it("reads error.code first: an error reported inside a 200 answer is classified by its code", () => {
    assert.equal(classifyOpenRouterFailure(200, body(402)).kind, "quota");
    assert.equal(classifyOpenRouterFailure(undefined, body(502)).kind, "model_busy");
    assert.equal(classifyOpenRouterFailure(undefined, body(408)).kind, "transient");
  });

  it("never reads the message: the words of another error change nothing", () => {
    assert.equal(classifyOpenRouterFailure(401, body(401, "Insufficient credits: add more credits")).kind, "key_invalid");
    assert.equal(classifyOpenRouterFailure(400, body(400, "Invalid API key / flagged by moderation / rate limit")).kind, "unexpected");
    assert.equal(classifyOpenRouterFailure(402, body(402, "Your key sk-or-v1-… is invalid")).kind, "quota");
  });

  it("takes retry-after (seconds or an HTTP date) from a 429", () => {
    assert.deepEqual(classifyOpenRouterFailure(429, body(429), headers({ "retry-after": "7" })), { kind: "rate_limited", retryAfterSeconds: 7 });
    const at = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = classifyOpenRouterFailure(429, body(429), headers({ "retry-after": at }));
    assert.ok(fromDate.kind === "rate_limited" && fromDate.retryAfterSeconds !== undefined && fromDate.retryAfterSeconds > 20);
    assert.deepEqual(classifyOpenRouterFailure(429, body(429)), { kind: "rate_limited", retryAfterSeconds: undefined });
  });
});

describe("OpenRouter key check verdicts (GET /api/v1/key)", () => {
  const now = new Date("2026-12-05T12:00:00Z");
  const data = (fields: Record<string, unknown>) => ({ data: { label: "sk-or-v1-abc...def", limit: 10, limit_remaining: 7.5, usage: 2.5, is_free_tier: false, expires_at: null, ...fields } });

  it("a key with credit left is valid, with its credit", () => {
    assert.deepEqual(verdictOfKeyData(data({}), now), { check: "valid", credit: { remaining: 7.5, limit: 10 } });
  });
  it("limit_remaining 0 or below is genuine but out of credit (quota_exhausted)", () => {
    assert.equal(verdictOfKeyData(data({ limit_remaining: 0 }), now).check, "quota_exhausted");
    assert.equal(verdictOfKeyData(data({ limit_remaining: -0.01 }), now).check, "quota_exhausted");
  });
  it("a key without a limit (null) is valid, its credit null", () => {
    assert.deepEqual(verdictOfKeyData(data({ limit: null, limit_remaining: null, is_free_tier: true }), now), { check: "valid", credit: { remaining: null, limit: null } });
  });
  it("a key whose expires_at has passed is invalid, whatever its credit", () => {
    assert.deepEqual(verdictOfKeyData(data({ expires_at: "2026-12-05T11:59:59Z" }), now), { check: "rejected_by_provider" });
    assert.equal(verdictOfKeyData(data({ expires_at: "2026-12-05T12:00:01Z" }), now).check, "valid");
  });
  it("a management key cannot call models (not_permitted)", () => {
    assert.equal(verdictOfKeyData(data({ is_management_key: true }), now).check, "not_permitted");
  });
  it("a 200 without data is no verdict about the key (unreachable)", () => {
    assert.equal(verdictOfKeyData({}, now).check, "unreachable");
  });
});
