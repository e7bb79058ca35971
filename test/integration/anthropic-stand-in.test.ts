import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import { validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import {
  outcomeMarkers,
  rateLimitRetryAfterSeconds,
  slowMarker,
  startAnthropicStandIn,
  type AnthropicErrorBody,
  type AnthropicStandIn,
  type Outcome,
} from "../../dev/anthropic-stand-in/server";
import { fakeAnthropicKey } from "../support/keys";
import { ownStandIn } from "../support/own-stand-in";

/**
 * The Anthropic stand-in must answer like Anthropic's API, both to raw HTTP (our key check) and to the
 * real `@anthropic-ai/sdk` (the adapter), because the product's classifier is written against what those
 * two observe. Bodies are the reference's (docs/openai-anthropic-api.md, Anthropic).
 */

const model = "claude-haiku-5-5";
const slowDelayMs = 300;
const version = "2023-06-01";

interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const keyHeaders = (apiKey: string | undefined): Record<string, string> => ({
  "anthropic-version": version,
  ...(apiKey ? { "x-api-key": apiKey } : {}),
});

function listModels(standIn: AnthropicStandIn, apiKey: string | undefined, query = "limit=1"): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1/models?${query}`, { headers: keyHeaders(apiKey) });
}

function getModel(standIn: AnthropicStandIn, apiKey: string, modelId = model): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1/models/${modelId}`, { headers: keyHeaders(apiKey) });
}

function createMessage(standIn: AnthropicStandIn, apiKey: string, body: object, headers: Record<string, string> = keyHeaders(apiKey)): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

const messageBody = (extra: object = {}) => ({
  model,
  max_tokens: 1024,
  system: "You are an interviewer.",
  messages: [{ role: "user", content: "Write interview questions for a backend engineer." }],
  thinking: { type: "disabled" },
  ...extra,
});

/** What Genkit derives from a zod schema of three exactly-sized questions (optional rationale, string bounds). */
const questionsSchema = {
  type: "object",
  properties: {
    questions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          text: { type: "string", minLength: 1, maxLength: 1000 },
          category: { type: "string", minLength: 1, maxLength: 100 },
          rationale: { type: "string", maxLength: 1000 },
        },
        required: ["text", "category"],
        additionalProperties: true,
      },
      minItems: 3,
      maxItems: 3,
    },
    score: { type: "integer", minimum: 0, maximum: 100 },
  },
  required: ["questions", "score"],
  additionalProperties: true,
  $schema: "http://json-schema.org/draft-07/schema#",
};

function keyWith(outcome: Outcome): string {
  const marker = outcomeMarkers.find(([, markerOutcome]) => markerOutcome === outcome)![0];
  return fakeAnthropicKey(marker);
}

function assertEnvelope(answer: HttpAnswer, status: number, type: string, message: string | RegExp, details?: object): void {
  assert.equal(answer.status, status);
  assert.equal(answer.body.type, "error");
  assert.equal(answer.body.error.type, type);
  if (typeof message === "string") assert.equal(answer.body.error.message, message);
  else assert.match(answer.body.error.message, message);
  assert.deepEqual(answer.body.error.details, details);
  assert.match(answer.body.request_id, /^req_01[1-9A-HJ-NP-Za-km-z]{22}$/);
  assert.equal(answer.headers.get("request-id"), answer.body.request_id, "the request-id header names the same request");
}

function assertSatisfies(value: unknown, jsonSchema: object): void {
  const result = validateSchema(value, { jsonSchema });
  assert.ok(result.valid, `does not satisfy the schema: ${JSON.stringify(result.errors)}\n${JSON.stringify(value, null, 2)}`);
}

describe("Anthropic stand-in", () => {
  let standIn: AnthropicStandIn;
  ownStandIn(() => startAnthropicStandIn({ port: 0, slowDelayMs }), (started) => (standIn = started));

  describe("Models API (the key check)", () => {
    it("lists the newest model first, pages with after_id, and records the key sent in x-api-key", async () => {
      const apiKey = fakeAnthropicKey();
      const first = await listModels(standIn, apiKey);

      assert.equal(first.status, 200);
      assert.match(first.headers.get("content-type") ?? "", /^application\/json/);
      assert.deepEqual(first.body.data.map((m: any) => m.id), [model]);
      assert.equal(first.body.has_more, true);
      assert.equal(first.body.first_id, model);
      assert.equal(first.body.last_id, model);
      const [recorded] = standIn.requests;
      assert.equal(recorded.method, "GET");
      assert.equal(recorded.path, "/v1/models");
      assert.deepEqual(recorded.query, { limit: "1" });
      assert.equal(recorded.apiKey, apiKey);

      const paged: string[] = [];
      let after: string | undefined;
      let page: HttpAnswer;
      do {
        page = await listModels(standIn, apiKey, `limit=2${after ? `&after_id=${after}` : ""}`);
        paged.push(...page.body.data.map((m: any) => m.id));
        after = page.body.last_id;
      } while (page.body.has_more);
      assert.deepEqual(paged, (await listModels(standIn, apiKey, "")).body.data.map((m: any) => m.id));
    });

    it("lists no retired model unless asked for retired ones", async () => {
      const apiKey = fakeAnthropicKey();
      const listed = (await listModels(standIn, apiKey, "")).body.data.map((m: any) => m.id);
      const retired = (await listModels(standIn, apiKey, "lifecycle=retired")).body.data;

      assert.ok(listed.includes("claude-haiku-5-5") && listed.includes("claude-haiku-4-5-20251001"));
      assert.ok(!listed.includes("claude-sonnet-4-20250514"));
      assert.deepEqual(retired.map((m: any) => [m.id, m.lifecycle]), [["claude-sonnet-4-20250514", "retired"]]);
    });

    it("describes a model with its capabilities, resolves an alias, keeps a retired model describable and answers 404 for an unknown one", async () => {
      const apiKey = fakeAnthropicKey();
      const served = await getModel(standIn, apiKey);
      const alias = await getModel(standIn, apiKey, "claude-haiku-4-5");
      const retired = await getModel(standIn, apiKey, "claude-sonnet-4-20250514");
      const unknown = await getModel(standIn, apiKey, "claude-3-5-haiku-latest");

      assert.equal(served.status, 200);
      assert.equal(served.body.type, "model");
      assert.equal(served.body.id, model);
      assert.equal(served.body.lifecycle, "active");
      assert.equal(served.body.max_tokens, 128_000);
      assert.equal(served.body.capabilities.structured_outputs.supported, true);
      assert.deepEqual(served.body.capabilities.thinking.types.disabled, { supported: true });
      assert.deepEqual(served.body.capabilities.thinking.types.enabled, { supported: false });
      assert.equal(alias.body.id, "claude-haiku-4-5-20251001");
      assert.equal(retired.status, 200);
      assert.equal(retired.body.lifecycle, "retired");
      assertEnvelope(unknown, 404, "not_found_error", "model: claude-3-5-haiku-latest");
      assert.deepEqual(standIn.requests.map((r) => r.model), [model, "claude-haiku-4-5", "claude-sonnet-4-20250514", "claude-3-5-haiku-latest"]);
    });
  });

  describe("keys", () => {
    it("refuses a request without a key, an admin key and an OAuth token with Anthropic's 401s", async () => {
      assertEnvelope(await listModels(standIn, undefined), 401, "authentication_error", "x-api-key header is required");
      assertEnvelope(await getModel(standIn, fakeAnthropicKey("", "admin")), 401, "authentication_error", "invalid x-api-key");
      assertEnvelope(
        await createMessage(standIn, fakeAnthropicKey("", "oauth"), messageBody()),
        401,
        "authentication_error",
        "OAuth authentication is currently not supported.",
      );
    });

    it("takes the key as a bearer token too (how @anthropic-ai/sdk 1.x sends it), and records it", async () => {
      const apiKey = fakeAnthropicKey();
      const answer = await createMessage(standIn, apiKey, messageBody(), { "anthropic-version": "2026-10-21", authorization: `Bearer ${apiKey}` });

      assert.equal(answer.status, 200);
      assert.equal(standIn.requests[0].apiKey, apiKey);
    });

    it("refuses a request without anthropic-version once the key is known", async () => {
      const apiKey = fakeAnthropicKey();
      assertEnvelope(await call(`${standIn.url}/v1/models/${model}`, { headers: { "x-api-key": apiKey } }), 400, "invalid_request_error", "anthropic-version: header is required");
    });

    const errorCases: Array<{ outcome: Outcome; status: number; type: string; message: RegExp; details?: object; headers: Record<string, string | null> }> = [
      { outcome: "invalid-key", status: 401, type: "authentication_error", message: /^invalid x-api-key$/, headers: { "x-should-retry": "false" } },
      {
        outcome: "organization-on-hold",
        status: 400,
        type: "invalid_request_error",
        message: /./,
        details: { error_code: "organization_on_hold" },
        headers: {},
      },
      { outcome: "permission-denied", status: 403, type: "permission_error", message: /permission/, headers: {} },
      { outcome: "model-denied", status: 404, type: "not_found_error", message: /^model: claude-haiku-5-5$/, headers: {} },
      {
        outcome: "credit-too-low",
        status: 400,
        type: "invalid_request_error",
        message: /^Your credit balance is too low to access the Anthropic API\. Please go to Plans & Billing to upgrade or purchase credits\.$/,
        headers: {},
      },
      { outcome: "usage-limit", status: 400, type: "invalid_request_error", message: /^You have reached your specified API usage limits\./, headers: {} },
      { outcome: "billing", status: 402, type: "billing_error", message: /./, headers: {} },
      {
        outcome: "spend-limit",
        status: 429,
        type: "rate_limit_error",
        message: /monthly API usage threshold/,
        details: { error_code: "enforced_spend_limit_reached" },
        headers: { "retry-after": null, "x-should-retry": "false" },
      },
      {
        outcome: "rate-limited",
        status: 429,
        type: "rate_limit_error",
        message: /rate limit/,
        headers: { "retry-after": String(rateLimitRetryAfterSeconds), "x-should-retry": "true", "anthropic-ratelimit-requests-remaining": "0" },
      },
      { outcome: "server-error", status: 500, type: "api_error", message: /./, headers: { "x-should-retry": "true" } },
      { outcome: "overloaded", status: 529, type: "overloaded_error", message: /^Overloaded$/, headers: { "x-should-retry": "true" } },
      { outcome: "timeout-error", status: 504, type: "timeout_error", message: /./, headers: {} },
    ];
    for (const { outcome, status, type, message, details, headers } of errorCases) {
      it(`answers a message request with ${status} ${type}${details ? ` (${JSON.stringify(details)})` : ""} for the ${outcome} marker`, async () => {
        const answer = await createMessage(standIn, keyWith(outcome), messageBody());

        assertEnvelope(answer, status, type, message, details);
        for (const [name, value] of Object.entries(headers)) assert.equal(answer.headers.get(name), value, name);
      });
    }

    it("leaves the Models API alone for outcomes Anthropic gives only on generation", async () => {
      for (const outcome of ["credit-too-low", "usage-limit", "spend-limit", "timeout-error", "refusal", "truncated"] as const) {
        const apiKey = keyWith(outcome);
        assert.equal((await listModels(standIn, apiKey)).status, 200, outcome);
        assert.equal((await getModel(standIn, apiKey)).status, 200, outcome);
      }
      const denied = keyWith("model-denied");
      assert.equal((await listModels(standIn, denied)).status, 200, "a denied model still lists");
      assert.equal((await getModel(standIn, denied)).status, 404, "but is refused by name");
    });

    it("answers the Models API with the key's error for every other outcome, or for any outcome with `everywhere`", async () => {
      assertEnvelope(await getModel(standIn, keyWith("rate-limited")), 429, "rate_limit_error", /rate limit/);
      assertEnvelope(await getModel(standIn, keyWith("billing")), 402, "billing_error", /./);
      const apiKey = fakeAnthropicKey();
      standIn.setBehaviour(apiKey, { outcome: "spend-limit", everywhere: true });
      assertEnvelope(await getModel(standIn, apiKey), 429, "rate_limit_error", /./, { error_code: "enforced_spend_limit_reached" });
    });
  });

  describe("messages", () => {
    it("answers text with Anthropic's Message shape: text block, stop_reason, usage", async () => {
      const answer = await createMessage(standIn, fakeAnthropicKey(), messageBody());

      assert.equal(answer.status, 200);
      assert.match(answer.body.id, /^msg_01/);
      assert.equal(answer.body.type, "message");
      assert.equal(answer.body.role, "assistant");
      assert.equal(answer.body.model, model);
      assert.equal(answer.body.stop_reason, "end_turn");
      assert.equal(answer.body.stop_details, null);
      assert.equal(answer.body.content.length, 1);
      assert.equal(answer.body.content[0].type, "text");
      assert.ok(answer.body.content[0].text.length > 20);
      assert.ok(answer.body.usage.input_tokens > 0 && answer.body.usage.output_tokens > 0);
      assert.equal(answer.body.usage.output_tokens_details.thinking_tokens, 0, "thinking disabled: none billed");
    });

    it("thinks first (a thinking block, billed) when thinking is not turned off, as Claude Haiku 5.5 does by default", async () => {
      const withoutThinking: Partial<ReturnType<typeof messageBody>> = messageBody();
      delete withoutThinking.thinking;
      const answer = await createMessage(standIn, fakeAnthropicKey(), withoutThinking);

      assert.deepEqual(answer.body.content.map((block: any) => block.type), ["thinking", "text"]);
      assert.ok(answer.body.usage.output_tokens_details.thinking_tokens > 0);
    });

    it("answers JSON following the SDK-transformed schema, and the constraints moved into descriptions, so the original schema holds", async () => {
      const schema = transformJSONSchema(questionsSchema);
      const answer = await createMessage(standIn, fakeAnthropicKey(), messageBody({ output_config: { format: { type: "json_schema", schema } } }));

      assert.equal(answer.status, 200);
      const value = JSON.parse(answer.body.content[0].text);
      assertSatisfies(value, schema);
      assertSatisfies(value, questionsSchema);
      assert.equal(value.questions.length, 3);
    });

    it("refuses schemas Anthropic refuses: an object not closed, numeric and length constraints", async () => {
      const apiKey = fakeAnthropicKey();
      const open = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
      const bounded = { type: "object", properties: { score: { type: "integer", minimum: 0 } }, required: ["score"], additionalProperties: false };

      assertEnvelope(
        await createMessage(standIn, apiKey, messageBody({ output_config: { format: { type: "json_schema", schema: open } } })),
        400,
        "invalid_request_error",
        "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false",
      );
      assertEnvelope(
        await createMessage(standIn, apiKey, messageBody({ output_config: { format: { type: "json_schema", schema: bounded } } })),
        400,
        "invalid_request_error",
        "output_config.format.schema: For 'integer' type, property 'minimum' is not supported",
      );
    });

    it("refuses what API version 2026-10-21 and Claude 5.x refuse: sampling parameters, manual thinking, too many tokens, a retired model", async () => {
      const apiKey = fakeAnthropicKey();
      assertEnvelope(await createMessage(standIn, apiKey, messageBody({ temperature: 0.3 })), 400, "invalid_request_error", "temperature: Extra inputs are not permitted");
      assertEnvelope(
        await createMessage(standIn, apiKey, messageBody({ thinking: { type: "enabled", budget_tokens: 1024 } })),
        400,
        "invalid_request_error",
        '"thinking.type.enabled" is not supported for this model',
      );
      assertEnvelope(
        await createMessage(standIn, apiKey, messageBody({ max_tokens: 200_000 })),
        400,
        "invalid_request_error",
        "max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for claude-haiku-5-5",
      );
      assertEnvelope(await createMessage(standIn, apiKey, messageBody({ model: "claude-sonnet-4-20250514" })), 404, "not_found_error", "model: claude-sonnet-4-20250514");
    });

    it("stops at max_tokens with the text cut, and for the truncated marker", async () => {
      const short = await createMessage(standIn, fakeAnthropicKey(), messageBody({ max_tokens: 5 }));
      const truncated = await createMessage(standIn, keyWith("truncated"), messageBody());

      assert.equal(short.body.stop_reason, "max_tokens");
      assert.ok(short.body.content[0].text.length <= 20);
      assert.equal(truncated.body.stop_reason, "max_tokens");
    });

    it("declines with stop_reason refusal and stop_details for the refusal marker", async () => {
      const answer = await createMessage(standIn, keyWith("refusal"), messageBody());

      assert.equal(answer.status, 200);
      assert.equal(answer.body.stop_reason, "refusal");
      assert.equal(answer.body.stop_details.type, "refusal");
      assert.equal(typeof answer.body.stop_details.category, "string");
      assert.deepEqual(answer.body.content, []);
    });

    it("spoils the next answers on request, scripts outcomes per key, and holds slow keys", async () => {
      const apiKey = fakeAnthropicKey();
      const format = { output_config: { format: { type: "json_schema", schema: transformJSONSchema(questionsSchema) } } };
      standIn.corruptNextAnswers(1, "malformed-json");
      const spoiled = await createMessage(standIn, apiKey, messageBody(format));
      assert.throws(() => JSON.parse(spoiled.body.content[0].text as string));
      JSON.parse((await createMessage(standIn, apiKey, messageBody(format))).body.content[0].text as string);

      standIn.scriptOutcomes(apiKey, ["overloaded", "server-error"]);
      assert.deepEqual(
        [(await createMessage(standIn, apiKey, messageBody())).status, (await createMessage(standIn, apiKey, messageBody())).status, (await createMessage(standIn, apiKey, messageBody())).status],
        [529, 500, 200],
      );

      const started = Date.now();
      assert.equal((await createMessage(standIn, fakeAnthropicKey(slowMarker), messageBody())).status, 200);
      assert.ok(Date.now() - started >= slowDelayMs - 20);
    });

    it("records a request the caller abandoned", async () => {
      const cut = new AbortController();
      const pending = fetch(`${standIn.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...keyHeaders(fakeAnthropicKey(slowMarker)) },
        body: JSON.stringify(messageBody()),
        signal: cut.signal,
      });
      while (standIn.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      cut.abort();
      await assert.rejects(pending);
      while (!standIn.requests[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(standIn.requests[0].abandoned, true);
    });
  });

  describe("through the real @anthropic-ai/sdk", () => {
    const client = (apiKey: string, maxRetries = 0) =>
      new Anthropic({ apiKey, baseURL: standIn.url, maxRetries, logLevel: "off", openTelemetry: { traces: false, propagation: false } });

    it("models.retrieve and messages.create succeed and parse", async () => {
      const apiKey = fakeAnthropicKey();
      const info = await client(apiKey).models.retrieve(model);
      const message = await client(apiKey).messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: "Hello" }], thinking: { type: "disabled" } });

      assert.equal(info.id, model);
      assert.equal(message.stop_reason, "end_turn");
      assert.equal(message.content[0].type, "text");
      assert.equal(standIn.requests[1].headers.authorization, `Bearer ${apiKey}`, "the SDK sends the key as a bearer token");
      assert.equal(standIn.requests[1].headers["x-api-key"], undefined);
    });

    it("turns each error into the SDK's error with status, type, error code and headers", async () => {
      const spend = await client(keyWith("spend-limit"))
        .messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hello" }] })
        .catch((error: unknown) => error);
      const rate = await client(keyWith("rate-limited"))
        .messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hello" }] })
        .catch((error: unknown) => error);

      assert.ok(spend instanceof APIError);
      assert.equal(spend.constructor.name, "EnforcedSpendLimitReachedError");
      assert.equal(spend.status, 429);
      assert.equal(spend.type, "rate_limit_error");
      assert.equal(spend.errorCode, "enforced_spend_limit_reached");
      assert.ok(rate instanceof APIError);
      assert.equal(rate.errorCode, null);
      assert.equal((rate.headers as Headers).get("retry-after"), String(rateLimitRetryAfterSeconds));
      assert.equal((rate.error as AnthropicErrorBody).error.type, "rate_limit_error");
    });

    it("is retried by the SDK's defaults when overloaded (x-should-retry: true), which is why the adapter turns retries off", async () => {
      const apiKey = fakeAnthropicKey();
      standIn.scriptOutcomes(apiKey, ["overloaded"]);
      const message = await client(apiKey, 1).messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hello" }] });

      assert.equal(message.type, "message");
      assert.equal(standIn.requests.length, 2);
    });
  });
});
