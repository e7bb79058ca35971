import assert from "node:assert/strict";
import { classifyOpenAiFailure } from "../../functions/src/provider-apis/openai/errors";

/**
 * OpenAI's error bodies as docs/openai-anthropic-api.md (OpenAI) quotes them from the reference; the
 * invalid-key message is built the way OpenAI masks a key, from a key-shaped value made here at run time.
 */
const envelope = (message: string, type: string, code: string | null, param: string | null = null) => ({ error: { message, type, param, code } });

const maskedEcho = `sk-proj-${"*".repeat(152)}${"abcd"}`;
const bodies = {
  invalidKey: envelope(`Incorrect API key provided: ${maskedEcho}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key"),
  deactivated: envelope(
    "The OpenAI account associated with this API key has been deactivated. If you are the developer for this OpenAI app, please check your email for more information. If you are seeing this error while using another app or site, please reach out to them for more help.",
    "invalid_request_error",
    "account_deactivated",
  ),
  missingScope: envelope(
    "You have insufficient permissions for this operation. Missing scopes: api.responses.write. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.",
    "invalid_request_error",
    null,
  ),
  projectModel: envelope("Project `proj_abc` does not have access to model `gpt-4o`", "invalid_request_error", "model_not_allowed"),
  insufficientQuota: envelope(
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    "insufficient_quota",
    "insufficient_quota",
  ),
  creditExhausted: envelope("(text not known)", "insufficient_quota", "credit_balance_exhausted"),
  rateLimit: envelope(
    "Rate limit reached for o4-mini in organization org-abc on tokens per min (TPM): Limit 200000, Used 162960, Requested 42288. Please try again in 1.574s. Visit https://platform.openai.com/account/rate-limits to learn more.",
    "tokens",
    "rate_limit_exceeded",
  ),
  modelNotFound: envelope("The model `gpt-4o-2024-08-06` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
  invalidPrompt: envelope(
    "Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting",
    "invalid_request_error",
    "invalid_prompt",
  ),
  contextLength: envelope("This model's maximum context length is 128000 tokens.", "invalid_request_error", "context_length_exceeded", "messages"),
  serverError: envelope("The server had an error while processing your request. Sorry about that!", "server_error", null),
  overloaded: { error: { code: "server_is_overloaded", message: "Our servers are currently overloaded. Please try again later.", param: null, type: "service_unavailable_error" } },
};

describe("classifyOpenAiFailure", () => {
  it("treats a wrong, revoked or deleted key (401 invalid_api_key) as a rejected key", () => {
    assert.deepEqual(classifyOpenAiFailure(401, bodies.invalidKey), { kind: "key_invalid" });
  });

  it("treats a deactivated account (401 account_deactivated) as a rejected key", () => {
    assert.deepEqual(classifyOpenAiFailure(401, bodies.deactivated), { kind: "key_invalid" });
  });

  it("tells a restricted key without a scope (401 or 403 with code null) from a rejected one", () => {
    assert.deepEqual(classifyOpenAiFailure(401, bodies.missingScope), { kind: "key_not_permitted" });
    assert.deepEqual(classifyOpenAiFailure(403, bodies.missingScope), { kind: "key_not_permitted" });
  });

  it("treats any 403 as a permission the key lacks, whatever its code", () => {
    assert.deepEqual(classifyOpenAiFailure(403, bodies.projectModel), { kind: "key_not_permitted" });
    assert.deepEqual(classifyOpenAiFailure(403, undefined), { kind: "key_not_permitted" });
  });

  it("treats a 401 without a readable body as a rejected key", () => {
    assert.deepEqual(classifyOpenAiFailure(401, "<html>Unauthorized</html>"), { kind: "key_invalid" });
  });

  it("treats every insufficient_quota 429 (no credit, spend or usage limits, the older body) as quota, without a retry time", () => {
    assert.deepEqual(classifyOpenAiFailure(429, bodies.insufficientQuota), { kind: "quota" });
    assert.deepEqual(classifyOpenAiFailure(429, bodies.creditExhausted, new Headers({ "retry-after": "20" })), { kind: "quota" });
    for (const code of ["organization_spend_limit_exceeded", "project_spend_limit_exceeded", "organization_usage_limit_exceeded", "workspace_spend_limit_exceeded"]) {
      assert.deepEqual(classifyOpenAiFailure(429, envelope("…", "insufficient_quota", code)), { kind: "quota" }, code);
    }
    assert.deepEqual(classifyOpenAiFailure(429, envelope("…", "insufficient_quota", null)), { kind: "quota" }, "by type alone");
  });

  it("treats a rate limit (429 rate_limit_exceeded) as rate_limited, with retry-after in whole seconds", () => {
    assert.deepEqual(classifyOpenAiFailure(429, bodies.rateLimit, new Headers({ "retry-after": "2" })), { kind: "rate_limited", retryAfterSeconds: 2 });
    assert.deepEqual(classifyOpenAiFailure(429, bodies.rateLimit, new Headers({ "retry-after-ms": "1574", "retry-after": "9" })), { kind: "rate_limited", retryAfterSeconds: 2 });
    assert.deepEqual(classifyOpenAiFailure(429, envelope("…", "rate_limit_error", "slow_down")), { kind: "rate_limited", retryAfterSeconds: undefined });
  });

  it("falls back to the reset of the limit that was hit when there is no retry-after", () => {
    const headers = new Headers({ "x-ratelimit-reset-requests": "120ms", "x-ratelimit-reset-tokens": "6m0s" });
    assert.deepEqual(classifyOpenAiFailure(429, bodies.rateLimit, headers), { kind: "rate_limited", retryAfterSeconds: 360 });
    const requests = envelope("…", "requests", "rate_limit_exceeded");
    assert.deepEqual(classifyOpenAiFailure(429, requests, headers), { kind: "rate_limited", retryAfterSeconds: 1 });
    assert.deepEqual(classifyOpenAiFailure(429, envelope("…", "other", "rate_limit_exceeded"), new Headers({ "x-ratelimit-reset-requests": "1.5s" })), {
      kind: "rate_limited",
      retryAfterSeconds: 2,
    });
  });

  it("reads a retry-after given as an HTTP date", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const failure = classifyOpenAiFailure(429, bodies.rateLimit, new Headers({ "retry-after": inTenSeconds }));
    assert.equal(failure.kind, "rate_limited");
    assert.ok(failure.kind === "rate_limited" && failure.retryAfterSeconds !== undefined && failure.retryAfterSeconds >= 9 && failure.retryAfterSeconds <= 10);
  });

  it("treats model_not_found as the model's problem, never the key's", () => {
    assert.deepEqual(classifyOpenAiFailure(404, bodies.modelNotFound), { kind: "model_unavailable" });
    assert.deepEqual(classifyOpenAiFailure(404, envelope("Invalid URL (GET /v1/modelz)", "invalid_request_error", null)), { kind: "unexpected" }, "a 404 for a path is not about the model");
  });

  it("treats a prompt flagged by the policy filter (400 invalid_prompt) as blocked, other 400s as unexpected", () => {
    assert.deepEqual(classifyOpenAiFailure(400, bodies.invalidPrompt), { kind: "blocked" });
    assert.deepEqual(classifyOpenAiFailure(400, bodies.contextLength), { kind: "unexpected" });
  });

  it("treats 503 server_is_overloaded as a busy model", () => {
    assert.deepEqual(classifyOpenAiFailure(503, bodies.overloaded), { kind: "model_busy" });
    assert.deepEqual(classifyOpenAiFailure(503, undefined), { kind: "model_busy" });
  });

  it("treats server errors, timeouts and no answer as transient", () => {
    assert.deepEqual(classifyOpenAiFailure(500, bodies.serverError), { kind: "transient" });
    assert.deepEqual(classifyOpenAiFailure(502, "<html>Bad gateway</html>"), { kind: "transient" });
    assert.deepEqual(classifyOpenAiFailure(408, undefined), { kind: "transient" });
    assert.deepEqual(classifyOpenAiFailure(undefined, undefined), { kind: "transient" });
  });

  it("does not read the message text, which can quote the key", () => {
    const misleading = envelope("Incorrect API key provided: sk-proj-****abcd. You exceeded your current quota.", "invalid_request_error", "something_new");
    assert.deepEqual(classifyOpenAiFailure(400, misleading), { kind: "unexpected" });
    assert.deepEqual(classifyOpenAiFailure(404, { error: { message: "The model `x` does not exist" } }), { kind: "unexpected" });
  });
});
