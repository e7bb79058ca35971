import { z } from "genkit";
import { toJsonSchema, validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import OpenAI, { AuthenticationError, RateLimitError } from "openai";
import {
  maskedKey,
  outcomeMarkers,
  slowMarker,
  startOpenAiStandIn,
  type OpenAiErrorBody,
  type OpenAiStandIn,
  type Outcome,
} from "../../dev/openai-stand-in/server";
import { fakeOpenAiKey } from "../support/keys";
import { waitUntil } from "../support/wait";
import { ownStandIn } from "../support/own-stand-in";

/**
 * The OpenAI stand-in must answer like the OpenAI API, both to raw HTTP (our key check) and to the real
 * `openai` SDK (our adapter), because the adapter's classifier is written against what those observe.
 */

const model = "gpt-6-luna";
const slowDelayMs = 300;

/** The reference bodies from docs/openai-anthropic-api.md (OpenAI), verbatim. */
const deactivatedBody: OpenAiErrorBody = {
  error: {
    message:
      "The OpenAI account associated with this API key has been deactivated. If you are the developer for this OpenAI app, please check your email for more information. If you are seeing this error while using another app or site, please reach out to them for more help.",
    type: "invalid_request_error",
    param: null,
    code: "account_deactivated",
  },
};
const insufficientQuotaBody: OpenAiErrorBody = {
  error: {
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    type: "insufficient_quota",
    param: null,
    code: "insufficient_quota",
  },
};
const serverErrorBody: OpenAiErrorBody = {
  error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null },
};
const overloadedText = '{"error":{"code":"server_is_overloaded","message":"Our servers are currently overloaded. Please try again later.","param":null,"type":"service_unavailable_error"}}';
const modelNotFoundBody = (id: string): OpenAiErrorBody => ({
  error: { message: `The model \`${id}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" },
});
const missingScopeMessage = (scope: string) =>
  `You have insufficient permissions for this operation. Missing scopes: ${scope}. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.`;

/** A strict schema as the adapter sends it: closed objects, every key required, the optional one nullable. */
const strictQuestionsSchema = {
  type: "object",
  properties: {
    questions: {
      type: "array",
      minItems: 3,
      maxItems: 3,
      items: {
        type: "object",
        properties: {
          text: { type: "string", minLength: 1, maxLength: 1000 },
          category: { type: "string", minLength: 1, maxLength: 100 },
          rationale: { type: ["string", "null"], maxLength: 1000 },
        },
        required: ["text", "category", "rationale"],
        additionalProperties: false,
      },
    },
  },
  required: ["questions"],
  additionalProperties: false,
};

interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

const auth = (apiKey: string | undefined): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});
const listModels = (standIn: OpenAiStandIn, apiKey: string | undefined) => call(`${standIn.url}/v1/models`, { headers: auth(apiKey) });
const getModel = (standIn: OpenAiStandIn, apiKey: string, id = model) => call(`${standIn.url}/v1/models/${id}`, { headers: auth(apiKey) });
const chat = (standIn: OpenAiStandIn, apiKey: string, body: object) =>
  call(`${standIn.url}/v1/chat/completions`, { method: "POST", headers: { ...auth(apiKey), "content-type": "application/json" }, body: JSON.stringify(body) });

function chatBody(extra: object = {}) {
  return {
    model,
    messages: [
      { role: "developer", content: "You are an interview coach. Answer in JSON." },
      { role: "user", content: "Write three interview questions for a backend engineer." },
    ],
    max_completion_tokens: 8192,
    reasoning_effort: "low",
    ...extra,
  };
}
const strictFormat = (schema: object = strictQuestionsSchema) => ({ response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema } } });

function keyWith(outcome: Outcome): string {
  return fakeOpenAiKey(outcomeMarkers.find(([, markerOutcome]) => markerOutcome === outcome)![0]);
}

describe("OpenAI stand-in", () => {
  let standIn: OpenAiStandIn;
  ownStandIn(() => startOpenAiStandIn({ port: 0, slowDelayMs }), (started) => (standIn = started));

  describe("models list and retrieve (the key check)", () => {
    it("lists today's models, with OpenAI's headers, and records the key sent as a Bearer token", async () => {
      const apiKey = fakeOpenAiKey();
      const answer = await listModels(standIn, apiKey);

      assert.equal(answer.status, 200);
      assert.equal(answer.body.object, "list");
      const ids = answer.body.data.map((entry: any) => entry.id);
      for (const current of ["gpt-6-luna", "gpt-6.1-terra", "gpt-5.4-nano", "gpt-4o-2024-08-06"]) assert.ok(ids.includes(current), current);
      for (const retired of ["gpt-3.5-turbo", "gpt-4", "gpt-4o", "o1", "o3-mini", "o4-mini", "gpt-4.1-nano"]) assert.ok(!ids.includes(retired), retired);
      assert.deepEqual(Object.keys(answer.body.data[0]).sort(), ["created", "id", "object", "owned_by"]);
      assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
      assert.match(answer.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{32}$/);
      assert.equal(answer.headers.get("openai-version"), "2020-10-01");
      const [recorded] = standIn.requests;
      assert.equal(recorded.method, "GET");
      assert.equal(recorded.path, "/v1/models");
      assert.equal(recorded.apiKey, apiKey);
      assert.equal(recorded.headers.authorization, `Bearer ${apiKey}`);
      assert.equal(recorded.body, undefined);
    });

    it("retrieves a served model, and answers 404 model_not_found for a retired or unknown one", async () => {
      const apiKey = fakeOpenAiKey();
      const served = await getModel(standIn, apiKey);
      const retired = await getModel(standIn, apiKey, "gpt-4o");

      assert.equal(served.status, 200);
      assert.deepEqual({ ...served.body, created: 0 }, { id: model, object: "model", created: 0, owned_by: "system" });
      assert.equal(retired.status, 404);
      assert.deepEqual(retired.body, modelNotFoundBody("gpt-4o"));
      assert.deepEqual(standIn.requests.map((request) => request.model), [model, "gpt-4o"]);
    });

    it("refuses a request without a key with code null, and an unknown path as an invalid URL", async () => {
      const keyless = await listModels(standIn, undefined);
      const unknown = await call(`${standIn.url}/v1/responses`, { method: "POST", headers: auth(fakeOpenAiKey()) });

      assert.equal(keyless.status, 401);
      assert.equal(keyless.body.error.code, null);
      assert.match(keyless.body.error.message, /^You didn't provide an API key\./);
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { error: { message: "Invalid URL (POST /v1/responses)", type: "invalid_request_error", param: null, code: null } });
    });
  });

  describe("key markers", () => {
    const expected: Record<Outcome, { list: number; get: number; chat: number }> = {
      ok: { list: 200, get: 200, chat: 200 },
      "invalid-key": { list: 401, get: 401, chat: 401 },
      deactivated: { list: 401, get: 401, chat: 401 },
      "no-scope": { list: 403, get: 403, chat: 401 },
      "no-model-read": { list: 403, get: 403, chat: 200 },
      "model-denied": { list: 200, get: 404, chat: 404 },
      "credit-exhausted": { list: 200, get: 200, chat: 429 },
      quota: { list: 429, get: 429, chat: 429 },
      "rate-limited": { list: 429, get: 429, chat: 429 },
      internal: { list: 500, get: 500, chat: 500 },
      overloaded: { list: 503, get: 503, chat: 503 },
      refusal: { list: 200, get: 200, chat: 200 },
      "content-filter": { list: 200, get: 200, chat: 200 },
    };

    for (const [marker, outcome] of outcomeMarkers) {
      const { list, get, chat: generate } = expected[outcome];
      it(`"${marker}" answers ${list} on the models list, ${get} on retrieve and ${generate} on chat completions`, async () => {
        const apiKey = fakeOpenAiKey(marker);
        assert.equal((await listModels(standIn, apiKey)).status, list);
        assert.equal((await getModel(standIn, apiKey)).status, get);
        assert.equal((await chat(standIn, apiKey, chatBody(strictFormat()))).status, generate);
      });
    }

    it("invalidkey: 401 invalid_api_key whose message quotes the key as OpenAI masks it (8 characters, a star each, the last 4)", async () => {
      const apiKey = keyWith("invalid-key");
      const { body } = await getModel(standIn, apiKey);
      const masked = `${apiKey.slice(0, 8)}${"*".repeat(apiKey.length - 12)}${apiKey.slice(-4)}`;

      assert.deepEqual(body, {
        error: {
          message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
      assert.ok(!body.error.message.includes(apiKey));
      assert.equal(maskedKey("kk"), "kk", "a value too short to hide anything comes back whole");
      assert.equal(maskedKey("abcdefgh12345678wxyz").length, 20);
    });

    it("an admin key is refused on every model endpoint with 401 invalid_api_key, whatever it contains", async () => {
      const adminKey = fakeOpenAiKey("", "admin");
      for (const answer of [await listModels(standIn, adminKey), await getModel(standIn, adminKey), await chat(standIn, adminKey, chatBody())]) {
        assert.equal(answer.status, 401);
        assert.equal(answer.body.error.code, "invalid_api_key");
      }
    });

    it("deactivated: exactly the reference 401 account_deactivated body", async () => {
      assert.deepEqual((await chat(standIn, keyWith("deactivated"), chatBody())).body, deactivatedBody);
    });

    it("noscope: 403 code null naming api.model.read on the models endpoints, 401 code null naming model.request on chat", async () => {
      const apiKey = keyWith("no-scope");
      const got = await getModel(standIn, apiKey);
      const generated = await chat(standIn, apiKey, chatBody());

      assert.deepEqual(got.body, { error: { message: missingScopeMessage("api.model.read"), type: "invalid_request_error", param: null, code: null } });
      assert.deepEqual(generated.body, { error: { message: missingScopeMessage("model.request"), type: "invalid_request_error", param: null, code: null } });
    });

    it("nomodel: retrieve and chat answer the reference 404 model_not_found, the list still answers", async () => {
      const apiKey = keyWith("model-denied");
      assert.deepEqual((await getModel(standIn, apiKey)).body, modelNotFoundBody(model));
      assert.deepEqual((await chat(standIn, apiKey, chatBody())).body, modelNotFoundBody(model));
    });

    it("quota: the reference 429 insufficient_quota body everywhere, without retry-after; nocredit: credit_balance_exhausted on chat only", async () => {
      const quota = await getModel(standIn, keyWith("quota"));
      const credit = await chat(standIn, keyWith("credit-exhausted"), chatBody());

      assert.deepEqual(quota.body, insufficientQuotaBody);
      assert.equal(quota.headers.get("retry-after"), null);
      assert.equal(credit.body.error.type, "insufficient_quota");
      assert.equal(credit.body.error.code, "credit_balance_exhausted");
      assert.equal(credit.headers.get("retry-after"), null);
    });

    it("ratelimit: 429 rate_limit_exceeded of type tokens on chat (requests on retrieve), with retry-after and x-ratelimit headers", async () => {
      const apiKey = keyWith("rate-limited");
      const generated = await chat(standIn, apiKey, chatBody());
      const got = await getModel(standIn, apiKey);

      assert.equal(generated.body.error.code, "rate_limit_exceeded");
      assert.equal(generated.body.error.type, "tokens");
      assert.match(generated.body.error.message, /^Rate limit reached for gpt-6-luna in organization org-\w+ on tokens per min \(TPM\): .* Please try again in 1\.574s\./);
      assert.equal(generated.headers.get("retry-after"), "2");
      assert.equal(generated.headers.get("x-ratelimit-remaining-tokens"), "0");
      assert.equal(generated.headers.get("x-ratelimit-reset-tokens"), "1.574s");
      assert.equal(got.body.error.type, "requests");
      assert.equal(got.headers.get("x-ratelimit-remaining-requests"), "0");
    });

    it("servererror and overloaded: exactly the reference 500 and 503 bodies", async () => {
      assert.deepEqual((await chat(standIn, keyWith("internal"), chatBody())).body, serverErrorBody);
      const overloaded = await chat(standIn, keyWith("overloaded"), chatBody());
      assert.equal(JSON.stringify(overloaded.body), overloadedText);
    });

    it("refusal: 200 with message.refusal and no content; contentfilter: finish_reason content_filter", async () => {
      const refused = (await chat(standIn, keyWith("refusal"), chatBody(strictFormat()))).body.choices[0];
      const filtered = (await chat(standIn, keyWith("content-filter"), chatBody())).body.choices[0];

      assert.equal(refused.message.content, null);
      assert.equal(typeof refused.message.refusal, "string");
      assert.equal(refused.finish_reason, "stop");
      assert.equal(filtered.message.content, null);
      assert.equal(filtered.finish_reason, "content_filter");
    });

    it("slow: answers after the configured delay, and combines with another marker", async () => {
      const started = performance.now();
      assert.equal((await getModel(standIn, fakeOpenAiKey(slowMarker))).status, 200);
      assert.ok(performance.now() - started >= slowDelayMs - 5);
      const startedQuota = performance.now();
      assert.equal((await getModel(standIn, fakeOpenAiKey(`${slowMarker}quota`))).status, 429);
      assert.ok(performance.now() - startedQuota >= slowDelayMs - 5);
    });
  });

  describe("chat completions", () => {
    it("answers a strict schema with JSON that follows it, leaving every other nullable property null", async () => {
      const answer = await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat()));

      assert.equal(answer.status, 200);
      assert.equal(answer.body.object, "chat.completion");
      assert.match(answer.body.id, /^chatcmpl-\w{29}$/);
      assert.equal(answer.body.model, model);
      const [choice] = answer.body.choices;
      assert.equal(choice.finish_reason, "stop");
      assert.equal(choice.message.role, "assistant");
      assert.equal(choice.message.refusal, null);
      const parsed = JSON.parse(choice.message.content);
      assert.ok(validateSchema(parsed, { jsonSchema: strictQuestionsSchema }).valid);
      assert.deepEqual(parsed.questions.map((question: any) => question.rationale === null), [false, true, false]);
    });

    it("counts usage with reasoning tokens by effort within the completion tokens", async () => {
      const low = (await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat()))).body.usage;
      const medium = (await chat(standIn, fakeOpenAiKey(), chatBody({ ...strictFormat(), reasoning_effort: undefined }))).body.usage;
      const snapshot = (await chat(standIn, fakeOpenAiKey(), { ...chatBody(), model: "gpt-4o-2024-08-06", reasoning_effort: undefined, temperature: 0.7 })).body.usage;

      assert.equal(low.completion_tokens_details.reasoning_tokens, 256);
      assert.equal(medium.completion_tokens_details.reasoning_tokens, 1024);
      assert.equal(snapshot.completion_tokens_details.reasoning_tokens, 0);
      assert.equal(low.total_tokens, low.prompt_tokens + low.completion_tokens);
      assert.ok(low.completion_tokens > 256);
    });

    it("cuts an answer at max_completion_tokens, reasoning included, with finish_reason length", async () => {
      const answer = await chat(standIn, fakeOpenAiKey(), chatBody({ ...strictFormat(), max_completion_tokens: 300 }));
      const [choice] = answer.body.choices;

      assert.equal(choice.finish_reason, "length");
      assert.equal(answer.body.usage.completion_tokens, 300);
      assert.throws(() => JSON.parse(choice.message.content));
    });

    it("answers plain text without a response_format, and JSON for json_object when a message says JSON", async () => {
      const text = (await chat(standIn, fakeOpenAiKey(), chatBody())).body.choices[0].message.content;
      const json = await chat(standIn, fakeOpenAiKey(), chatBody({ response_format: { type: "json_object" } }));
      const noJsonWord = await chat(standIn, fakeOpenAiKey(), {
        ...chatBody({ response_format: { type: "json_object" } }),
        messages: [{ role: "user", content: "Write a question." }],
      });

      assert.ok(text.length > 20);
      assert.ok(!text.trim().startsWith("{"), "plain text, not JSON");
      assert.equal(typeof JSON.parse(json.body.choices[0].message.content), "object");
      assert.equal(noJsonWord.status, 400);
      assert.equal(noJsonWord.body.error.param, "messages");
    });

    it("refuses max_tokens and a temperature with reasoning effort on GPT-6, as OpenAI does for reasoning models", async () => {
      const maxTokens = await chat(standIn, fakeOpenAiKey(), { ...chatBody(), max_completion_tokens: undefined, max_tokens: 100 });
      const temperature = await chat(standIn, fakeOpenAiKey(), chatBody({ temperature: 0.7 }));
      const noEffort = await chat(standIn, fakeOpenAiKey(), chatBody({ temperature: 0.7, reasoning_effort: "none" }));
      const effortOnSnapshot = await chat(standIn, fakeOpenAiKey(), chatBody({ model: "gpt-4o-2024-08-06" }));

      assert.equal(maxTokens.status, 400);
      assert.deepEqual(maxTokens.body, {
        error: {
          message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          type: "invalid_request_error",
          param: "max_tokens",
          code: "unsupported_parameter",
        },
      });
      assert.equal(temperature.status, 400);
      assert.deepEqual(temperature.body, {
        error: {
          message: "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.",
          type: "invalid_request_error",
          param: "temperature",
          code: "unsupported_value",
        },
      });
      assert.equal(noEffort.status, 200);
      assert.equal(effortOnSnapshot.status, 400);
      assert.equal(effortOnSnapshot.body.error.param, "reasoning_effort");
    });

    it("refuses a strict schema with an open object or an optional property, and takes it non-strict", async () => {
      const open = toJsonSchema({ schema: z.object({ a: z.string(), b: z.string().optional() }) }) as object;
      const closed = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"], additionalProperties: false };
      const openAnswer = await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat(open)));
      const missingRequired = await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat(closed)));
      const nonStrict = await chat(standIn, fakeOpenAiKey(), chatBody({ response_format: { type: "json_schema", json_schema: { name: "answer", strict: false, schema: open } } }));

      assert.equal(openAnswer.status, 400);
      assert.equal(openAnswer.body.error.param, "response_format");
      assert.match(openAnswer.body.error.message, /^Invalid schema for response_format 'answer': In context=\(\), 'additionalProperties' is required to be supplied and to be false\./);
      assert.match(missingRequired.body.error.message, /Missing 'b'\.$/);
      assert.equal(nonStrict.status, 200);
    });

    it("answers 404 model_not_found for a model it does not serve, and 400 for a body without messages", async () => {
      const unknown = await chat(standIn, fakeOpenAiKey(), chatBody({ model: "gpt-4-turbo" }));
      const noMessages = await chat(standIn, fakeOpenAiKey(), { model });

      assert.deepEqual(unknown.body, modelNotFoundBody("gpt-4-turbo"));
      assert.equal(noMessages.status, 400);
      assert.equal(noMessages.body.error.code, "missing_required_parameter");
    });
  });

  describe("test controls", () => {
    it("scriptOutcomes gives the next chat requests their outcomes in order, then the key behaves as before", async () => {
      const apiKey = fakeOpenAiKey();
      standIn.scriptOutcomes(apiKey, ["overloaded", "internal"]);

      assert.equal((await getModel(standIn, apiKey)).status, 200, "retrieve does not use up the script");
      assert.deepEqual(
        [(await chat(standIn, apiKey, chatBody())).status, (await chat(standIn, apiKey, chatBody())).status, (await chat(standIn, apiKey, chatBody())).status],
        [503, 500, 200],
      );
    });

    it("corruptNextAnswers spoils the next answers: malformed JSON, then JSON of the wrong shape", async () => {
      standIn.corruptNextAnswers(1, "malformed-json");
      const malformed = (await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat()))).body.choices[0].message.content;
      standIn.corruptNextAnswers(1, "schema-mismatch");
      const mismatched = JSON.parse((await chat(standIn, fakeOpenAiKey(), chatBody(strictFormat()))).body.choices[0].message.content);

      assert.throws(() => JSON.parse(malformed));
      assert.equal(validateSchema(mismatched, { jsonSchema: strictQuestionsSchema }).valid, false);
    });

    it("setBehaviour overrides a key's markers, and heldUntil holds its answers until released", async () => {
      const apiKey = fakeOpenAiKey("quota");
      let release!: () => void;
      standIn.setBehaviour(apiKey, { outcome: "ok", heldUntil: new Promise<void>((resolve) => (release = resolve)) });
      const pending = getModel(standIn, apiKey);
      await waitUntil("the stand-in has the request", async () => standIn.requests.length === 1);
      release();

      assert.equal((await pending).status, 200);
    });

    it("records a request whose caller cut the connection before the answer as abandoned", async () => {
      const apiKey = fakeOpenAiKey(slowMarker);
      const controller = new AbortController();
      const answered = chat(standIn, apiKey, chatBody());
      const aborted = fetch(`${standIn.url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth(apiKey), "content-type": "application/json" },
        body: JSON.stringify(chatBody()),
        signal: controller.signal,
      }).catch(() => "aborted");
      await waitUntil("both requests arrived", async () => standIn.requests.length === 2);
      controller.abort();

      assert.equal(await aborted, "aborted");
      await waitUntil("the cut request is marked abandoned", async () => standIn.requests.some((request) => request.abandoned));
      assert.equal((await answered).status, 200);
      assert.equal(standIn.requests.filter((request) => request.abandoned).length, 1, "the answered request is not abandoned");
    });
  });

  describe("through the official openai SDK", () => {
    const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${standIn.url}/v1`, maxRetries: 0, organization: null, project: null, logLevel: "off" });

    it("parses a completion and a model", async () => {
      const apiKey = fakeOpenAiKey();
      const completion = await client(apiKey).chat.completions.create({ ...chatBody(strictFormat()), reasoning_effort: "low" } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const retrieved = await client(apiKey).models.retrieve(model);

      assert.equal(completion.choices[0].finish_reason, "stop");
      assert.equal(retrieved.id, model);
    });

    it("raises the SDK's typed errors, with OpenAI's code, type and headers; the 401's message quotes the masked key", async () => {
      const invalidKey = keyWith("invalid-key");
      const authError = await client(invalidKey).models.retrieve(model).catch((error: unknown) => error);
      const rateError = await client(keyWith("rate-limited")).chat.completions.create(chatBody() as OpenAI.ChatCompletionCreateParamsNonStreaming).catch((error: unknown) => error);

      assert.ok(authError instanceof AuthenticationError);
      assert.equal(authError.code, "invalid_api_key");
      assert.ok(authError.message.includes(maskedKey(invalidKey)), "why the adapter never passes an SDK message on");
      assert.ok(rateError instanceof RateLimitError);
      assert.equal(rateError.code, "rate_limit_exceeded");
      assert.equal(rateError.type, "tokens");
      assert.equal(rateError.headers.get("retry-after"), "2");
      assert.match(rateError.requestID ?? "", /^req_/);
    });
  });
});
