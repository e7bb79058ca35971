import { googleAI } from "@genkit-ai/google-genai";
import { genkit, GenkitError, z, type Genkit } from "genkit";
import { logger } from "genkit/logging";
import { validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import { format } from "node:util";
import {
  outcomeMarkers,
  slowMarker,
  startGeminiStandIn,
  type GeminiStandIn,
  type GoogleErrorBody,
  type Outcome,
} from "../../dev/gemini-stand-in/server";
import { fakeGeminiKey } from "../support/keys";
import { ownStandIn } from "../support/own-stand-in";

/**
 * The Gemini stand-in must answer like the Generative Language API, both to raw HTTP (our key
 * check) and to the real `@genkit-ai/google-genai` plugin, because the product's classifier is
 * written against what those two observe.
 */

const model = "gemini-flash-latest";
const slowDelayMs = 300;

/** The reference bodies from docs/gemini-api.md, verbatim. */
const invalidKeyBody: GoogleErrorBody = {
  error: {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ],
  },
};

const quotaBody: GoogleErrorBody = {
  error: {
    code: 429,
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            quotaDimensions: { location: "global", model: "gemini-flash-latest" },
            quotaValue: "10",
          },
        ],
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "59s" },
    ],
  },
};

const internalBody: GoogleErrorBody = {
  error: {
    code: 500,
    message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    status: "INTERNAL",
  },
};

const overloadedBody: GoogleErrorBody = {
  error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
};

const accessTokenTypeUnsupportedBody = (method: string): GoogleErrorBody => ({
  error: {
    code: 401,
    message:
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    status: "UNAUTHENTICATED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ACCESS_TOKEN_TYPE_UNSUPPORTED",
        metadata: { method, service: "generativelanguage.googleapis.com" },
      },
    ],
  },
});

const missingKeyBody: GoogleErrorBody = {
  error: {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: "PERMISSION_DENIED",
  },
};

/** A JSON Schema using every keyword the stand-in promises to honour. */
const feedbackJsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    role: { type: "string", minLength: 3, maxLength: 40 },
    questions: {
      type: "array",
      minItems: 4,
      maxItems: 6,
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          text: { type: "string", maxLength: 120 },
          difficulty: { type: "string", enum: ["easy", "medium", "hard"] },
          followUps: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 },
        },
        required: ["id", "text", "difficulty", "followUps"],
        additionalProperties: false,
      },
    },
    score: { type: "integer", minimum: 1, maximum: 5 },
    confidence: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
    passed: { type: "boolean" },
    feedback: { anyOf: [{ type: "string", minLength: 200 }, { type: "null" }] },
    strengths: { type: "array", items: { $ref: "#/$defs/point" }, maxItems: 2 },
    tags: { type: "array", items: { type: "string", enum: ["teamwork", "design", "delivery"] }, minItems: 3, uniqueItems: true },
    schemaVersion: { const: 2 },
    reviewedAt: { type: "string", format: "date-time" },
  },
  required: ["role", "questions", "score", "confidence", "passed", "feedback", "strengths", "tags", "schemaVersion", "reviewedAt"],
  additionalProperties: false,
  $defs: { point: { type: "string", minLength: 10 } },
};

function generateBody(schema: object | undefined, prompt = "Write interview questions for a backend engineer.") {
  return {
    contents: [{ role: "user", parts: [{ text: prompt }] }],
    generationConfig: schema ? { responseMimeType: "application/json", responseJsonSchema: schema } : {},
  };
}

interface HttpAnswer {
  status: number;
  contentType: string | null;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: text ? JSON.parse(text) : undefined };
}

function listModels(standIn: GeminiStandIn, apiKey: string | undefined, query = "pageSize=1"): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1beta/models?${query}`, { headers: apiKey ? { "x-goog-api-key": apiKey } : {} });
}

function getModel(standIn: GeminiStandIn, apiKey: string, modelId = model): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1beta/models/${modelId}`, { headers: { "x-goog-api-key": apiKey } });
}

function generateContent(standIn: GeminiStandIn, apiKey: string, body: object, modelId = model): Promise<HttpAnswer> {
  return call(`${standIn.url}/v1beta/models/${modelId}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": apiKey },
    body: JSON.stringify(body),
  });
}

/** The `data:` events of an SSE answer, parsed; asserts Google's `\r\n\r\n` framing. */
async function readSse(response: Response): Promise<any[]> {
  const text = await response.text();
  assert.ok(text.endsWith("\r\n\r\n"), "every event ends with a blank CRLF line");
  return text
    .split("\r\n\r\n")
    .filter((event) => event !== "")
    .map((event) => {
      assert.match(event, /^data: /);
      return JSON.parse(event.slice("data: ".length));
    });
}

function assertSatisfies(value: unknown, jsonSchema: object): void {
  const result = validateSchema(value, { jsonSchema });
  assert.ok(result.valid, `does not satisfy the schema: ${JSON.stringify(result.errors)}\n${JSON.stringify(value, null, 2)}`);
}

function keyWith(outcome: Outcome): string {
  const marker = outcomeMarkers.find(([, markerOutcome]) => markerOutcome === outcome)![0];
  return fakeGeminiKey(marker);
}

describe("Gemini stand-in", () => {
  let standIn: GeminiStandIn;
  ownStandIn(() => startGeminiStandIn({ port: 0, slowDelayMs }), (started) => (standIn = started));

  describe("models list and models.get (the key check)", () => {
    it("lists the app's default alias first for an auth key, and records the key sent in x-goog-api-key", async () => {
      const apiKey = fakeGeminiKey();
      const answer = await listModels(standIn, apiKey);

      assert.equal(answer.status, 200);
      assert.match(answer.contentType ?? "", /^application\/json/);
      assert.equal(answer.body.models.length, 1);
      assert.equal(answer.body.models[0].name, "models/gemini-flash-latest");
      assert.equal(answer.body.models[0].displayName, "Gemini Flash Latest");
      assert.ok(answer.body.models[0].supportedGenerationMethods.includes("generateContent"));
      assert.equal(typeof answer.body.nextPageToken, "string");
      assert.equal(standIn.requests.length, 1);
      const [recorded] = standIn.requests;
      assert.equal(recorded.method, "GET");
      assert.equal(recorded.path, "/v1beta/models");
      assert.deepEqual(recorded.query, { pageSize: "1" });
      assert.equal(recorded.apiKey, apiKey);
      assert.equal(recorded.body, undefined);
      assert.ok(recorded.at instanceof Date);
    });

    it("pages with nextPageToken until the last page", async () => {
      const apiKey = fakeGeminiKey();
      const paged: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await listModels(standIn, apiKey, `pageSize=2${pageToken ? `&pageToken=${pageToken}` : ""}`);
        assert.ok(page.body.models.length <= 2);
        paged.push(...page.body.models.map((m: any) => m.name));
        pageToken = page.body.nextPageToken;
      } while (pageToken);
      const all = await listModels(standIn, apiKey, "");

      assert.deepEqual(paged, all.body.models.map((m: any) => m.name));
      assert.equal(all.body.nextPageToken, undefined);
      assert.equal((await listModels(standIn, apiKey, "pageToken=bogus")).status, 400);
    });

    it("lists today's models and none of the shut-down ones", async () => {
      const names = (await listModels(standIn, fakeGeminiKey(), "")).body.models.map((m: any) => m.name);

      for (const current of ["gemini-flash-latest", "gemini-flash-lite-latest", "gemini-pro-latest", "gemini-3.8-flash", "gemini-3.5-flash-lite"]) {
        assert.ok(names.includes(`models/${current}`), current);
      }
      for (const retired of ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-1.5-flash"]) {
        assert.ok(!names.includes(`models/${retired}`), retired);
      }
    });

    it("models.get describes a served model, and answers 404 NOT_FOUND for a retired one", async () => {
      const apiKey = fakeGeminiKey();
      const served = await getModel(standIn, apiKey);
      const retired = await getModel(standIn, apiKey, "gemini-2.5-flash");

      assert.equal(served.status, 200);
      assert.equal(served.body.name, "models/gemini-flash-latest");
      assert.equal(retired.status, 404);
      assert.equal(retired.body.error.status, "NOT_FOUND");
      assert.deepEqual(standIn.requests.map((r) => r.model), ["gemini-flash-latest", "gemini-2.5-flash"]);
    });

    it("refuses every standard AIza key with the same 400 API_KEY_INVALID as an unknown key", async () => {
      const legacyKey = fakeGeminiKey("", "standard");

      for (const answer of [await listModels(standIn, legacyKey), await getModel(standIn, legacyKey), await generateContent(standIn, legacyKey, generateBody(undefined))]) {
        assert.equal(answer.status, 400);
        assert.deepEqual(answer.body, invalidKeyBody);
      }
    });

    it("reads the key from ?key= when there is no header", async () => {
      const apiKey = fakeGeminiKey();
      const answer = await call(`${standIn.url}/v1beta/models?pageSize=1&key=${apiKey}`);

      assert.equal(answer.status, 200);
      assert.equal(standIn.requests[0].apiKey, apiKey);
    });

    it("refuses a request without a key with Google's 403 for unregistered callers", async () => {
      const answer = await listModels(standIn, undefined);

      assert.equal(answer.status, 403);
      assert.deepEqual(answer.body, missingKeyBody);
      assert.equal(standIn.requests[0].apiKey, undefined);
    });
  });

  describe("key markers", () => {
    const expected: Record<Outcome, { list: number; generate: number }> = {
      ok: { list: 200, generate: 200 },
      "retired-key": { list: 400, generate: 400 },
      "unsupported-key-type": { list: 401, generate: 401 },
      "model-denied": { list: 200, generate: 404 },
      "invalid-key": { list: 400, generate: 400 },
      "expired-key": { list: 400, generate: 400 },
      "service-blocked": { list: 403, generate: 403 },
      suspended: { list: 403, generate: 403 },
      quota: { list: 429, generate: 429 },
      "generation-quota": { list: 200, generate: 429 },
      internal: { list: 500, generate: 500 },
      overloaded: { list: 503, generate: 503 },
      "prompt-blocked": { list: 200, generate: 200 },
      "answer-blocked": { list: 200, generate: 200 },
    };

    for (const [marker, outcome] of outcomeMarkers) {
      it(`"${marker}" answers ${expected[outcome].list} on the models list and ${expected[outcome].generate} on generateContent`, async () => {
        const apiKey = fakeGeminiKey(marker);
        assert.equal((await listModels(standIn, apiKey)).status, expected[outcome].list);
        assert.equal((await generateContent(standIn, apiKey, generateBody(feedbackJsonSchema))).status, expected[outcome].generate);
      });
    }

    it("tokentype: exactly the reference 401 ACCESS_TOKEN_TYPE_UNSUPPORTED body, naming the method called", async () => {
      const apiKey = keyWith("unsupported-key-type");
      assert.deepEqual((await getModel(standIn, apiKey)).body, accessTokenTypeUnsupportedBody("google.ai.generativelanguage.v1beta.ModelService.GetModel"));
      assert.deepEqual(
        (await generateContent(standIn, apiKey, generateBody(undefined))).body,
        accessTokenTypeUnsupportedBody("google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent"),
      );
    });

    it("nomodel: models.get and generation answer 404 NOT_FOUND for the app's model, the models list still answers", async () => {
      const apiKey = keyWith("model-denied");
      const got = await getModel(standIn, apiKey);

      assert.equal((await listModels(standIn, apiKey)).status, 200);
      assert.equal(got.status, 404);
      assert.equal(got.body.error.status, "NOT_FOUND");
      assert.equal((await generateContent(standIn, apiKey, generateBody(undefined))).body.error.status, "NOT_FOUND");
    });

    it("invalidkey: exactly the reference 400 API_KEY_INVALID body", async () => {
      const apiKey = keyWith("invalid-key");
      assert.deepEqual((await listModels(standIn, apiKey)).body, invalidKeyBody);
      assert.deepEqual((await generateContent(standIn, apiKey, generateBody(undefined))).body, invalidKeyBody);
    });

    it("expiredkey: the same shape with Google's expired-key message", async () => {
      const { body } = await listModels(standIn, keyWith("expired-key"));
      const message = "API key expired. Please renew the API key.";

      assert.equal(body.error.status, "INVALID_ARGUMENT");
      assert.equal(body.error.message, message);
      assert.equal(body.error.details[0].reason, "API_KEY_INVALID");
      assert.equal(body.error.details[1].message, message);
    });

    it("denied: 403 PERMISSION_DENIED API_KEY_SERVICE_BLOCKED naming the method called", async () => {
      const apiKey = keyWith("service-blocked");
      const list = await listModels(standIn, apiKey);
      const generate = await generateContent(standIn, apiKey, generateBody(undefined));

      for (const [answer, method] of [
        [list, "google.ai.generativelanguage.v1beta.ModelService.ListModels"],
        [generate, "google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent"],
      ] as const) {
        assert.equal(answer.body.error.code, 403);
        assert.equal(answer.body.error.status, "PERMISSION_DENIED");
        assert.equal(answer.body.error.message, `Requests to this API generativelanguage.googleapis.com method ${method} are blocked.`);
        const [errorInfo, localized] = answer.body.error.details;
        assert.equal(errorInfo["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
        assert.equal(errorInfo.reason, "API_KEY_SERVICE_BLOCKED");
        assert.equal(errorInfo.metadata.methodName, method);
        assert.match(errorInfo.metadata.consumer, /^projects\/\d{12}$/);
        assert.equal(localized.message, answer.body.error.message);
      }
    });

    it("suspended: 403 CONSUMER_SUSPENDED whose message and DebugInfo name the key", async () => {
      const apiKey = keyWith("suspended");
      const { body } = await generateContent(standIn, apiKey, generateBody(undefined));
      const message = `Permission denied: Consumer 'api_key:${apiKey}' has been suspended.`;

      assert.equal(body.error.code, 403);
      assert.equal(body.error.status, "PERMISSION_DENIED");
      assert.equal(body.error.message, message);
      const types = body.error.details.map((detail: any) => detail["@type"]);
      assert.deepEqual(types, [
        "type.googleapis.com/google.rpc.ErrorInfo",
        "type.googleapis.com/google.rpc.LocalizedMessage",
        "type.googleapis.com/google.rpc.DebugInfo",
      ]);
      assert.equal(body.error.details[0].reason, "CONSUMER_SUSPENDED");
      assert.equal(body.error.details[1].message, message);
      assert.ok(body.error.details[2].detail.includes(`'api_key:${apiKey}'`));
      assert.deepEqual(await listModels(standIn, apiKey).then((answer) => answer.body), body);
    });

    it("quota: exactly the reference 429 body with RetryInfo 59s, on both endpoints", async () => {
      const apiKey = keyWith("quota");
      assert.deepEqual((await listModels(standIn, apiKey)).body, quotaBody);
      assert.deepEqual((await generateContent(standIn, apiKey, generateBody(undefined))).body, quotaBody);
    });

    it("genquota: the key check passes, generation gets the 429 naming the model", async () => {
      const apiKey = keyWith("generation-quota");
      assert.equal((await listModels(standIn, apiKey)).status, 200);

      const { body } = await generateContent(standIn, apiKey, generateBody(undefined), "gemini-pro-latest");
      assert.equal(body.error.status, "RESOURCE_EXHAUSTED");
      assert.equal(body.error.details[0].violations[0].quotaDimensions.model, "gemini-pro-latest");
      assert.equal(body.error.details[2].retryDelay, "59s");
    });

    it("servererror and overloaded: exactly Google's 500 INTERNAL and 503 UNAVAILABLE bodies", async () => {
      assert.deepEqual((await listModels(standIn, keyWith("internal"))).body, internalBody);
      assert.deepEqual((await generateContent(standIn, keyWith("overloaded"), generateBody(undefined))).body, overloadedBody);
    });

    it("blocked: 200 with promptFeedback.blockReason SAFETY and no candidates", async () => {
      const { status, body } = await generateContent(standIn, keyWith("prompt-blocked"), generateBody(feedbackJsonSchema));

      assert.equal(status, 200);
      assert.equal(body.candidates, undefined);
      assert.equal(body.promptFeedback.blockReason, "SAFETY");
      assert.ok(body.promptFeedback.safetyRatings.some((rating: any) => rating.blocked === true));
      assert.equal(body.usageMetadata.candidatesTokenCount, undefined);
      assert.equal(body.modelVersion, model);
    });

    it("unsafeanswer: 200 with one candidate finished by SAFETY and no content", async () => {
      const { status, body } = await generateContent(standIn, keyWith("answer-blocked"), generateBody(feedbackJsonSchema));

      assert.equal(status, 200);
      assert.equal(body.candidates.length, 1);
      assert.equal(body.candidates[0].finishReason, "SAFETY");
      assert.equal(body.candidates[0].content, undefined);
      assert.equal(body.promptFeedback, undefined);
    });

    it("slow: answers after the configured delay, and combines with another marker", async () => {
      const started = performance.now();
      assert.equal((await listModels(standIn, fakeGeminiKey(slowMarker))).status, 200);
      assert.ok(performance.now() - started >= slowDelayMs - 5);

      const startedQuota = performance.now();
      assert.equal((await listModels(standIn, fakeGeminiKey(`${slowMarker}quota`))).status, 429);
      assert.ok(performance.now() - startedQuota >= slowDelayMs - 5);
    });

    it("setBehaviour overrides a key's markers until reset", async () => {
      const apiKey = keyWith("quota");
      standIn.setBehaviour(apiKey, { outcome: "ok" });
      assert.equal((await listModels(standIn, apiKey)).status, 200);

      const plainKey = fakeGeminiKey();
      standIn.setBehaviour(plainKey, { outcome: "invalid-key" });
      assert.deepEqual((await listModels(standIn, plainKey)).body, invalidKeyBody);

      standIn.reset();
      assert.equal(standIn.requests.length, 0);
      assert.equal((await listModels(standIn, apiKey)).status, 429);
      assert.equal((await listModels(standIn, plainKey)).status, 200);
    });

    it("heldUntil holds a key's answers, already recorded, until the promise settles", async () => {
      const apiKey = fakeGeminiKey();
      let release = () => {};
      standIn.setBehaviour(apiKey, { outcome: "quota", heldUntil: new Promise<void>((resolve) => (release = resolve)) });
      let answered = false;
      const answer = listModels(standIn, apiKey).finally(() => (answered = true));
      while (!standIn.requests.some((request) => request.apiKey === apiKey)) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(answered, false, "answered while held");
      release();
      assert.equal((await answer).status, 429, "the outcome applies once released");
    });

    it("scriptOutcomes answers the next generate requests of a key as scripted, then as before", async () => {
      const apiKey = fakeGeminiKey();
      standIn.scriptOutcomes(apiKey, ["overloaded", "internal"]);
      assert.equal((await getModel(standIn, apiKey)).status, 200, "the key check is not scripted");
      const statuses = [];
      for (let request = 0; request < 3; request++) statuses.push((await generateContent(standIn, apiKey, generateBody(undefined))).status);
      assert.deepEqual(statuses, [503, 500, 200]);
    });

    it("records a request whose caller cut the connection before the answer as abandoned", async () => {
      const apiKey = fakeGeminiKey();
      standIn.setBehaviour(apiKey, { outcome: "ok", delayMs: 60_000 }); // answered long after the cut
      const cut = new AbortController();
      const pending = fetch(`${standIn.url}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": apiKey },
        body: JSON.stringify(generateBody(undefined)),
        signal: cut.signal,
      }).catch(() => undefined);
      while (standIn.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      cut.abort();
      await pending;
      while (!standIn.requests[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));

      assert.equal((await generateContent(standIn, fakeGeminiKey(), generateBody(undefined))).status, 200);
      assert.equal(standIn.requests[1].abandoned, undefined, "an answered request is not abandoned");
    });
  });

  describe("generateContent", () => {
    it("answers JSON that satisfies the requested responseJsonSchema, in Google's envelope", async () => {
      const apiKey = fakeGeminiKey();
      const body = generateBody(feedbackJsonSchema);
      const answer = await generateContent(standIn, apiKey, body);

      assert.equal(answer.status, 200);
      const [candidate] = answer.body.candidates;
      assert.equal(candidate.finishReason, "STOP");
      assert.equal(candidate.index, 0);
      assert.equal(candidate.content.role, "model");
      assert.equal(answer.body.modelVersion, model);
      assert.equal(typeof answer.body.responseId, "string");
      const usage = answer.body.usageMetadata;
      // Thinking tokens are their own bucket, counted in the total (docs/gemini-api.md, "Usage").
      assert.equal(usage.totalTokenCount, usage.promptTokenCount + usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0));

      const output = JSON.parse(candidate.content.parts[0].text);
      assertSatisfies(output, feedbackJsonSchema);
      // Names guide the text: ids are numbered after their list, and no two questions repeat.
      output.questions.forEach((question: any, index: number) => assert.equal(question.id, `question-${index + 1}`));
      assert.equal(new Set(output.questions.map((question: any) => question.text)).size, output.questions.length);

      assert.deepEqual(standIn.requests.map(({ method, path, model: m, apiKey: k, body: b }) => ({ method, path, model: m, apiKey: k, body: b })), [
        { method: "POST", path: `/v1beta/models/${model}:generateContent`, model, apiKey, body },
      ]);
    });

    it("honours the OpenAPI-style responseSchema with upper-case types", async () => {
      const responseSchema = {
        type: "OBJECT",
        properties: {
          feedback: { type: "STRING" },
          score: { type: "INTEGER", minimum: 0, maximum: 10 },
          tips: { type: "ARRAY", items: { type: "STRING" }, minItems: 2, maxItems: 2 },
          verdict: { type: "STRING", enum: ["hire", "no-hire"], nullable: true },
        },
        required: ["feedback", "score", "tips", "verdict"],
        propertyOrdering: ["verdict", "score", "feedback", "tips"],
      };
      const { body } = await generateContent(standIn, fakeGeminiKey(), {
        contents: [{ role: "user", parts: [{ text: "Rate my answer." }] }],
        generationConfig: { responseMimeType: "application/json", responseSchema },
      });
      const output = JSON.parse(body.candidates[0].content.parts[0].text);

      assert.deepEqual(Object.keys(output), ["verdict", "score", "feedback", "tips"]);
      assert.ok(["hire", "no-hire"].includes(output.verdict));
      assert.ok(Number.isInteger(output.score) && output.score >= 0 && output.score <= 10);
      assert.equal(typeof output.feedback, "string");
      assert.equal(output.tips.length, 2);
    });

    it("gives the same answer to the same request", async () => {
      const body = generateBody(feedbackJsonSchema);
      const first = await generateContent(standIn, fakeGeminiKey(), body);
      const second = await generateContent(standIn, fakeGeminiKey(), body);

      assert.deepEqual(second.body, first.body);
    });

    it("answers prose when no JSON is asked for", async () => {
      const { body } = await generateContent(standIn, fakeGeminiKey(), generateBody(undefined, "Any advice?"));
      const text: string = body.candidates[0].content.parts[0].text;

      assert.ok(text.length > 40);
      assert.throws(() => JSON.parse(text));
    });

    it("answers 404 NOT_FOUND for a model Google does not serve, the shut-down gemini-2.5-flash included", async () => {
      for (const modelId of ["gpt-4o", "gemini-2.5-flash", "gemini-2.0-flash"]) {
        const answer = await generateContent(standIn, fakeGeminiKey(), generateBody(undefined), modelId);
        assert.equal(answer.status, 404, modelId);
        assert.equal(answer.body.error.status, "NOT_FOUND");
      }
    });

    it("refuses a thinking level together with a thinking budget, and a level for a 2.5 model, with 400", async () => {
      const withThinking = (thinkingConfig: object) => ({ ...generateBody(undefined), generationConfig: { thinkingConfig } });
      const apiKey = fakeGeminiKey();

      assert.equal((await generateContent(standIn, apiKey, withThinking({ thinkingLevel: "LOW" }))).status, 200);
      assert.equal((await generateContent(standIn, apiKey, withThinking({ thinkingLevel: "LOW", thinkingBudget: 512 }))).status, 400);
      assert.equal((await generateContent(standIn, apiKey, withThinking({ thinkingLevel: "LOW" }), "gemini-2.5-flash-lite")).status, 400);
      assert.equal((await generateContent(standIn, apiKey, withThinking({ thinkingBudget: 512 }), "gemini-2.5-flash-lite")).status, 200);
    });

    it("streams SSE events with alt=sse whose texts join into the schema-satisfying answer", async () => {
      const apiKey = fakeGeminiKey();
      const body = generateBody(feedbackJsonSchema);
      const response = await fetch(`${standIn.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": apiKey },
        body: JSON.stringify(body),
      });

      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      const events = await readSse(response);
      assert.ok(events.length > 1);
      const text = events.map((event) => event.candidates[0].content.parts[0].text).join("");
      assertSatisfies(JSON.parse(text), feedbackJsonSchema);
      assert.equal(events.at(-1).candidates[0].finishReason, "STOP");
      assert.ok(events.slice(0, -1).every((event) => event.candidates[0].finishReason === undefined));
      assert.equal(text, (await generateContent(standIn, apiKey, body)).body.candidates[0].content.parts[0].text);
      assert.deepEqual(standIn.requests[0].query, { alt: "sse" });
    });

    it("corruptNextAnswers spoils exactly the next N successful answers", async () => {
      const body = generateBody(feedbackJsonSchema);
      const textOf = async (apiKey: string) =>
        (await generateContent(standIn, apiKey, body)).body.candidates?.[0]?.content?.parts[0].text as string | undefined;

      standIn.corruptNextAnswers(2, "malformed-json");
      assert.equal(await textOf(keyWith("prompt-blocked")), undefined, "a blocked answer does not use up the count");
      for (const text of [await textOf(fakeGeminiKey()), await textOf(fakeGeminiKey())]) {
        assert.throws(() => JSON.parse(text!));
      }
      assertSatisfies(JSON.parse((await textOf(fakeGeminiKey()))!), feedbackJsonSchema);

      standIn.corruptNextAnswers(1, "schema-mismatch");
      const mismatched = JSON.parse((await textOf(fakeGeminiKey()))!);
      assert.equal(validateSchema(mismatched, { jsonSchema: feedbackJsonSchema }).valid, false);
      assertSatisfies(JSON.parse((await textOf(fakeGeminiKey()))!), feedbackJsonSchema);
    });

    it("corruptNextAnswers for one key spoils only that key's answers: another key's answer does not use them up", async () => {
      const body = generateBody(feedbackJsonSchema);
      const textOf = async (apiKey: string) => (await generateContent(standIn, apiKey, body)).body.candidates[0].content.parts[0].text as string;
      const spoiled = fakeGeminiKey();

      standIn.corruptNextAnswers(1, "malformed-json", spoiled);
      assertSatisfies(JSON.parse(await textOf(fakeGeminiKey())), feedbackJsonSchema);
      const spoiledText = await textOf(spoiled);
      assert.throws(() => JSON.parse(spoiledText));
      assertSatisfies(JSON.parse(await textOf(spoiled)), feedbackJsonSchema);
    });
  });

  describe("through the real Genkit googleAI plugin", () => {
    let ai: Genkit;
    let logged: string[];
    const originalError = logger.error.bind(logger);
    const QuestionsSchema = z.object({
      questions: z
        .array(z.object({ text: z.string(), difficulty: z.enum(["easy", "medium", "hard"]) }))
        .min(3)
        .max(5),
      summary: z.string().optional(),
    });

    before(() => {
      ai = genkit({ plugins: [googleAI({ apiKey: false, baseUrl: standIn.url })] });
      // The plugin logs every upstream error through Genkit's logger: collect what it hands to
      // logger.error, as it hands it, before any sink (our key policy holds Genkit's logger slot in this
      // process, functions/src/redaction/genkit-logger-policy.ts, and would reduce it to its type).
      logger.error = (...args: unknown[]) => {
        logged.push(format(...args));
      };
    });
    after(() => {
      logger.error = originalError;
    });
    beforeEach(() => {
      logged = [];
    });

    const generate = (apiKey: string) =>
      ai.generate({
        model: googleAI.model(model),
        prompt: "Write three interview questions for a frontend developer.",
        output: { schema: QuestionsSchema },
        config: { apiKey },
      });

    it("ai.generate returns parsed output, and exactly the call's key reached the stand-in", async () => {
      const apiKey = fakeGeminiKey();
      const response = await generate(apiKey);

      assert.equal(QuestionsSchema.safeParse(response.output).success, true);
      assert.equal(standIn.requests.length, 1);
      const [recorded] = standIn.requests;
      assert.equal(recorded.path, `/v1beta/models/${model}:generateContent`);
      assert.deepEqual(recorded.query, {}, "the key travels in the x-goog-api-key header, not the URL");
      assert.equal(recorded.apiKey, apiKey);
      const generationConfig = (recorded.body as any).generationConfig;
      assert.equal(generationConfig.responseMimeType, "application/json");
      assert.equal(generationConfig.responseJsonSchema.type, "object");
      assert.equal(generationConfig.responseSchema, undefined);
      assert.equal(JSON.stringify(recorded.body).includes(apiKey), false, "the key is not in the body");
    });

    it("ai.generate with legacyResponseSchema sends responseSchema and still gets valid output", async () => {
      const legacyAi = genkit({ plugins: [googleAI({ apiKey: false, baseUrl: standIn.url, legacyResponseSchema: true })] });
      const response = await legacyAi.generate({
        model: googleAI.model(model),
        prompt: "Write interview questions.",
        output: { schema: QuestionsSchema },
        config: { apiKey: fakeGeminiKey() },
      });

      assert.equal(QuestionsSchema.safeParse(response.output).success, true);
      const generationConfig = (standIn.requests[0].body as any).generationConfig;
      assert.equal(generationConfig.responseSchema.type, "object");
      assert.equal(generationConfig.responseJsonSchema, undefined);
    });

    it("ai.generateStream delivers several chunks over SSE and a parsed final output", async () => {
      const apiKey = fakeGeminiKey();
      const { stream, response } = ai.generateStream({
        model: googleAI.model(model),
        prompt: "Write three interview questions.",
        output: { schema: QuestionsSchema },
        config: { apiKey },
      });
      let chunks = 0;
      for await (const chunk of stream) {
        chunks += 1;
        assert.ok(chunk.text.length > 0);
      }

      assert.ok(chunks > 1);
      assert.equal(QuestionsSchema.safeParse((await response).output).success, true);
      assert.equal(standIn.requests[0].path, `/v1beta/models/${model}:streamGenerateContent`);
      assert.deepEqual(standIn.requests[0].query, { alt: "sse" });
      assert.equal(standIn.requests[0].apiKey, apiKey);
    });

    const upstreamErrors: Array<{ outcome: Outcome; httpStatus: number; status: string; code: number }> = [
      { outcome: "invalid-key", httpStatus: 400, status: "INVALID_ARGUMENT", code: 400 },
      { outcome: "service-blocked", httpStatus: 403, status: "UNKNOWN", code: 500 },
      { outcome: "suspended", httpStatus: 403, status: "UNKNOWN", code: 500 },
      { outcome: "generation-quota", httpStatus: 429, status: "RESOURCE_EXHAUSTED", code: 429 },
      { outcome: "internal", httpStatus: 500, status: "INTERNAL", code: 500 },
      { outcome: "overloaded", httpStatus: 503, status: "UNAVAILABLE", code: 503 },
    ];

    for (const { outcome, httpStatus, status, code } of upstreamErrors) {
      it(`a ${httpStatus} (${outcome}) surfaces as GenkitError status ${status} with Google's body as detail`, async () => {
        const apiKey = keyWith(outcome);
        const upstream = await generateContent(standIn, apiKey, generateBody(undefined));
        standIn.clearRequests();

        const error = await generate(apiKey).then(
          () => assert.fail("generate should have failed"),
          (thrown: unknown) => thrown,
        );

        assert.ok(error instanceof GenkitError);
        assert.equal(error.name, "GenkitError");
        assert.equal(error.status, status);
        assert.equal(error.code, code);
        assert.deepEqual(error.detail, upstream.body);
        assert.equal(error.responseMetadata, undefined, "Google sends no Retry-After header");
        assert.ok(error.originalMessage.startsWith(`Error fetching from ${standIn.url}/v1beta/models/${model}:generateContent: [${httpStatus} `));
        assert.ok(error.originalMessage.includes(upstream.body.error.message), "the message embeds Google's text");
        assert.equal(error.message, `${status}: ${error.originalMessage}`);
        assert.equal(standIn.requests.length, 1, "the plugin does not retry");
        assert.ok(logged.some((line) => line.includes(upstream.body.error.message)), "the plugin logs Google's text");
      });
    }

    it("a suspended key's own text reaches the GenkitError message and Genkit's log", async () => {
      const apiKey = keyWith("suspended");
      const error = await generate(apiKey).then(
        () => assert.fail("generate should have failed"),
        (thrown: unknown) => thrown as GenkitError,
      );

      assert.ok(error.message.includes(apiKey));
      assert.ok(JSON.stringify(error.detail).includes(apiKey));
      assert.ok(logged.some((line) => line.includes(apiKey)));
    });

    it("a streamed generate fails the same way before any chunk", async () => {
      const apiKey = keyWith("generation-quota");
      const { stream, response } = ai.generateStream({
        model: googleAI.model(model),
        prompt: "Write interview questions.",
        output: { schema: QuestionsSchema },
        config: { apiKey },
      });
      let chunks = 0;
      const streamed = (async () => {
        for await (const chunk of stream) chunks += chunk ? 1 : 0;
      })();

      await assert.rejects(response, (error: unknown) => {
        assert.ok(error instanceof GenkitError);
        assert.equal(error.status, "RESOURCE_EXHAUSTED");
        assert.equal(error.detail.error.details[2].retryDelay, "59s");
        return true;
      });
      await streamed.catch(() => undefined);
      assert.equal(chunks, 0);
    });

    it("a blocked prompt fails FAILED_PRECONDITION 'No valid candidates returned.' without detail", async () => {
      await assert.rejects(generate(keyWith("prompt-blocked")), (error: unknown) => {
        assert.ok(error instanceof GenkitError);
        assert.equal(error.status, "FAILED_PRECONDITION");
        assert.equal(error.originalMessage, "No valid candidates returned.");
        assert.equal(error.detail, undefined);
        return true;
      });
    });

    it("a blocked answer fails as GenerationBlockedError with finishReason 'blocked'", async () => {
      await assert.rejects(generate(keyWith("answer-blocked")), (error: unknown) => {
        assert.ok(error instanceof GenkitError);
        assert.equal(error.constructor.name, "GenerationBlockedError");
        assert.equal(error.status, "FAILED_PRECONDITION");
        assert.equal(error.detail.response.finishReason, "blocked");
        return true;
      });
    });

    it("a corrupted answer makes ai.generate throw: SyntaxError when malformed, ValidationError when off-schema", async () => {
      standIn.corruptNextAnswers(1, "malformed-json");
      await assert.rejects(generate(fakeGeminiKey()), (error: unknown) => {
        assert.ok(error instanceof SyntaxError);
        assert.match(error.message, /^JSON5: invalid character/);
        return true;
      });

      standIn.corruptNextAnswers(1, "schema-mismatch");
      await assert.rejects(generate(fakeGeminiKey()), (error: unknown) => {
        assert.ok(error instanceof GenkitError);
        assert.equal(error.name, "GenkitError");
        assert.equal(error.constructor.name, "ValidationError");
        assert.equal(error.status, "INVALID_ARGUMENT");
        return true;
      });

      assert.equal(QuestionsSchema.safeParse((await generate(fakeGeminiKey())).output).success, true);
    });
  });
});
