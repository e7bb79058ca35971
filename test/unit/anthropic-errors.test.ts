import assert from "node:assert/strict";
import { classifyAnthropicFailure, retryAfterSeconds } from "../../functions/src/provider-apis/anthropic/errors";

/** Bodies as Anthropic returns them (docs/openai-anthropic-api.md, Anthropic; the reference's §3). */
const body = (type: string, message: string, details?: Record<string, unknown>) => ({
  type: "error",
  error: { type, message, ...(details ? { details } : {}) },
  request_id: "req_011CaJCR7Pm2Jh2LbWpBH5Y6",
});

const invalidKey = body("authentication_error", "invalid x-api-key");
const oauthToken = body("authentication_error", "OAuth authentication is currently not supported.");
const creditTooLow = body(
  "invalid_request_error",
  "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
);
const spendCap = body(
  "rate_limit_error",
  "You have reached your API usage limits: your organization has crossed its monthly API usage threshold, set based on your organization's API tier. You will regain access on 2026-09-01 at 00:00 UTC.",
  { error_code: "enforced_spend_limit_reached" },
);
const notFound = { type: "error", error: { type: "not_found_error", message: "model: claude-3-5-sonnet-20241022" } };
const overloaded = body("overloaded_error", "Overloaded");

describe("classifyAnthropicFailure", () => {
  it("treats a 401 authentication_error (unknown, revoked or expired key; an OAuth token) as a rejected key", () => {
    assert.deepEqual(classifyAnthropicFailure(401, invalidKey), { kind: "key_invalid" });
    assert.deepEqual(classifyAnthropicFailure(401, oauthToken), { kind: "key_invalid" });
    assert.deepEqual(classifyAnthropicFailure(undefined, invalidKey), { kind: "key_invalid" }, "by the error type alone");
  });

  it("treats a 403 permission_error as a key that authenticates but lacks a permission", () => {
    assert.deepEqual(classifyAnthropicFailure(403, body("permission_error", "Your API key does not have permission to use the specified resource.")), {
      kind: "key_not_permitted",
    });
  });

  it("treats 402 billing_error as out of credit", () => {
    assert.deepEqual(classifyAnthropicFailure(402, body("billing_error", "…")), { kind: "quota" });
    assert.deepEqual(
      classifyAnthropicFailure(402, body("billing_error", "…", { error_code: "linked_organization_spend_limit_reached" })),
      { kind: "quota" },
    );
  });

  it("treats the code-less 400 invalid_request_error (credit balance too low, own spend limit) as out of credit: the documented exception", () => {
    assert.deepEqual(classifyAnthropicFailure(400, creditTooLow), { kind: "quota" });
    const usageLimit = body("invalid_request_error", "You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.");
    assert.deepEqual(classifyAnthropicFailure(400, usageLimit), { kind: "quota" });
  });

  it("does not read the message: any code-less 400 invalid_request_error counts the same, whatever it says", () => {
    assert.deepEqual(classifyAnthropicFailure(400, body("invalid_request_error", "temperature: Extra inputs are not permitted")), { kind: "quota" });
    assert.deepEqual(classifyAnthropicFailure(400, body("invalid_request_error", "invalid x-api-key")), { kind: "quota" });
  });

  it("treats a 400 with organization_on_hold as a key that cannot work, and other coded 400s as unexpected", () => {
    assert.deepEqual(classifyAnthropicFailure(400, body("invalid_request_error", "…", { error_code: "organization_on_hold" })), { kind: "key_invalid" });
    assert.deepEqual(classifyAnthropicFailure(400, body("invalid_request_error", "…", { error_code: "request_body_encoding_invalid" })), {
      kind: "unexpected",
    });
    assert.deepEqual(classifyAnthropicFailure(400, "<html>Bad Request</html>"), { kind: "unexpected" }, "a 400 that is not Anthropic's");
  });

  it("treats a 429 spend cap (enforced_spend_limit_reached, contract_spend_limit_reached) as out of quota, with no retry time", () => {
    const headers = new Headers({ "request-id": "req_018EeWyXxfu5pfWkrYcMdjWG" });
    assert.deepEqual(classifyAnthropicFailure(429, spendCap, headers), { kind: "quota" });
    assert.deepEqual(classifyAnthropicFailure(429, body("rate_limit_error", "…", { error_code: "contract_spend_limit_reached" })), { kind: "quota" });
  });

  it("treats a plain 429 rate_limit_error (and ramp_limit_exceeded, and unknown codes) as a rate limit, with retry-after", () => {
    const rateLimit = body("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute.");
    assert.deepEqual(classifyAnthropicFailure(429, rateLimit, new Headers({ "retry-after": "7" })), { kind: "rate_limited", retryAfterSeconds: 7 });
    assert.deepEqual(classifyAnthropicFailure(429, rateLimit, { "Retry-After": "12" }), { kind: "rate_limited", retryAfterSeconds: 12 });
    assert.deepEqual(classifyAnthropicFailure(429, body("rate_limit_error", "…", { error_code: "ramp_limit_exceeded" }), new Headers({ "retry-after": "3" })), {
      kind: "rate_limited",
      retryAfterSeconds: 3,
    });
    assert.deepEqual(classifyAnthropicFailure(429, body("rate_limit_error", "…", { error_code: "some_future_code" })), {
      kind: "rate_limited",
      retryAfterSeconds: undefined,
    });
  });

  it("treats a 404 not_found_error as the model's problem, never the key's", () => {
    assert.deepEqual(classifyAnthropicFailure(404, notFound), { kind: "model_unavailable" });
    assert.deepEqual(classifyAnthropicFailure(404, undefined), { kind: "model_unavailable" });
  });

  it("treats 529 overloaded_error as a busy model, by its status or its type", () => {
    assert.deepEqual(classifyAnthropicFailure(529, overloaded, new Headers({ "x-should-retry": "true" })), { kind: "model_busy" });
    assert.deepEqual(classifyAnthropicFailure(undefined, overloaded), { kind: "model_busy" }, "529 by its type");
  });

  it("treats 500 api_error, 504 timeout_error and unreadable answers as transient", () => {
    assert.deepEqual(classifyAnthropicFailure(500, body("api_error", "Internal server error")), { kind: "transient" });
    assert.deepEqual(classifyAnthropicFailure(504, body("timeout_error", "…")), { kind: "transient" });
    assert.deepEqual(classifyAnthropicFailure(502, "<html>bad gateway</html>"), { kind: "transient" });
    assert.deepEqual(classifyAnthropicFailure(undefined, undefined), { kind: "transient" });
  });

  it("takes Anthropic's word that a server error is not worth retrying (x-should-retry: false)", () => {
    assert.deepEqual(classifyAnthropicFailure(500, body("api_error", "…"), new Headers({ "x-should-retry": "false" })), { kind: "unexpected" });
  });

  it("treats anything else (413 request_too_large) as unexpected", () => {
    assert.deepEqual(classifyAnthropicFailure(413, body("request_too_large", "Request exceeds the maximum allowed number of bytes.")), { kind: "unexpected" });
  });
});

describe("retryAfterSeconds", () => {
  it("reads delta-seconds and HTTP dates, and ignores what it cannot read", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "7" }), now), 7);
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "1.2" }), now), 2);
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "Mon, 23 Nov 2026 10:00:30 GMT" }), now), 30);
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "soon" }), now), undefined);
    assert.equal(retryAfterSeconds(undefined, now), undefined);
  });
});
