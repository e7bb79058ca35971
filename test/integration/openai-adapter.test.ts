import type { GenerateRequest } from "genkit/model";
import { toJsonSchema, validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { maskedKey, outcomeMarkers, slowMarker, startOpenAiStandIn, type OpenAiStandIn, type Outcome, type RecordedRequest } from "../../dev/openai-stand-in/server";
import { questionsAnswerSchema } from "../../functions/src/ai/schemas";
import type { KeyCheck, ProviderCall } from "../../functions/src/provider-apis/provider-api";
import { UpstreamCallError, type UpstreamFailure } from "../../functions/src/provider-apis/upstream-failure";
import { checkOpenAiKey } from "../../functions/src/provider-apis/openai/check-key";
import { generateOpenAiOnce } from "../../functions/src/provider-apis/openai/generate";
import { fakeOpenAiKey } from "../support/keys";
import { waitUntil } from "../support/wait";
import { ownStandIn } from "../support/own-stand-in";

/**
 * The OpenAI adapter over real HTTP, against the OpenAI stand-in: what the key check concludes, what a
 * generation sends and returns, how many requests a call makes, and what an error carries (never the
 * key, never OpenAI's message). The stand-in runs in this process, on a free port.
 */

const model = "gpt-6-luna";
const slowDelayMs = 1_500;

function keyWith(outcome: Outcome): string {
  return fakeOpenAiKey(outcomeMarkers.find(([, markerOutcome]) => markerOutcome === outcome)![0]);
}

/** Where the key may appear in a request: only in the Authorization header, as a Bearer token. */
function assertKeyOnlyInAuthorization(request: RecordedRequest, apiKey: string): void {
  assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
  const elsewhere = { ...request.headers, authorization: undefined, path: request.path, query: request.query, body: request.body };
  assert.ok(!JSON.stringify(elsewhere).includes(apiKey), "the key appears only in the Authorization header");
  assert.ok(!JSON.stringify(elsewhere).includes(apiKey.slice(-12)), "not even a part of it");
}

/** Everything an error lets a log line, a span or a callable's mapping see: message, stack, every property, its cause. */
function everythingIn(error: unknown): string {
  return [String(error), (error as Error).stack ?? "", JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })].join("\n");
}

/** What the adapter sends to chat completions (the fields these tests read). */
interface SentBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  max_completion_tokens?: number;
  max_tokens?: number;
  reasoning_effort?: string;
  temperature?: number;
  store?: boolean;
  response_format?: { type: string; json_schema?: { name: string; strict: boolean; schema: { additionalProperties?: unknown } } };
}

/** The answer to the questions schema, as the adapter returns it. */
interface QuestionsAnswer {
  questions: Array<{ text: string; category: string; rationale?: string }>;
}

async function failureOf(work: Promise<unknown>): Promise<UpstreamFailure | { kind: string }> {
  const error = await work.then(
    () => assert.fail("expected the call to fail"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof UpstreamCallError, `an UpstreamCallError, not ${String(error)}`);
  return error.failure;
}

describe("OpenAI adapter", () => {
  let standIn: OpenAiStandIn;
  ownStandIn(() => startOpenAiStandIn({ port: 0, slowDelayMs }), (started) => (standIn = started));

  describe("checkOpenAiKey", () => {
    const check = (apiKey: string, options: Partial<{ baseUrl: string; model: string; timeoutMs: number }> = {}) =>
      checkOpenAiKey(apiKey, { baseUrl: standIn.url, model, timeoutMs: 5_000, ...options });

    it("asks for the configured model with the key as a Bearer token, and nothing else carries the key", async () => {
      const apiKey = fakeOpenAiKey();

      assert.equal(await check(apiKey), "valid");
      const [request] = standIn.requests;
      assert.equal(request.method, "GET");
      assert.equal(request.path, `/v1/models/${model}`);
      assertKeyOnlyInAuthorization(request, apiKey);
      assert.equal(standIn.requests.length, 1);
    });

    const verdicts: Record<Outcome, KeyCheck> = {
      ok: "valid",
      "invalid-key": "rejected_by_provider",
      deactivated: "rejected_by_provider",
      "no-scope": "not_permitted",
      "no-model-read": "not_permitted",
      "model-denied": "model_unavailable",
      // Documented limit: OpenAI's no-credit error is known only on generation.
      "credit-exhausted": "valid",
      quota: "quota_exhausted",
      // A rate limit counts an authenticated key: genuine, and usable again in moments.
      "rate-limited": "valid",
      internal: "unreachable",
      overloaded: "unreachable",
      refusal: "valid",
      "content-filter": "valid",
    };
    for (const [marker, outcome] of outcomeMarkers) {
      it(`"${marker}" → ${verdicts[outcome]}`, async () => {
        assert.equal(await check(fakeOpenAiKey(marker)), verdicts[outcome]);
      });
    }

    it("refuses an admin key as OpenAI does (it never gets here from the app: the format check refuses it first)", async () => {
      assert.equal(await check(fakeOpenAiKey("", "admin")), "rejected_by_provider");
    });

    it("says model_unavailable for a model OpenAI does not serve, whatever the key", async () => {
      assert.equal(await check(fakeOpenAiKey(), { model: "gpt-4o" }), "model_unavailable");
    });

    it("gives no_answer when OpenAI does not answer in time, and cuts the request", async () => {
      assert.equal(await check(fakeOpenAiKey(slowMarker), { timeoutMs: 200 }), "no_answer");
      await waitUntil("the stand-in saw the request cut", async () => standIn.requests[0]?.abandoned === true, { timeoutMs: 5_000, intervalMs: 20 });
    });

    it("gives no_answer when nothing listens", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      assert.equal(await check(fakeOpenAiKey(), { baseUrl: `http://127.0.0.1:${port}` }), "no_answer");
    });

    it("does not follow a redirect, which would carry the key elsewhere", async () => {
      const redirector: Server = createServer((request, response) => {
        response.writeHead(307, { location: `${standIn.url}${request.url}` });
        response.end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = redirector.address() as AddressInfo;
        assert.equal(await check(fakeOpenAiKey(), { baseUrl: `http://127.0.0.1:${port}` }), "no_answer");
        assert.equal(standIn.requests.length, 0, "the redirect target never saw the key");
      } finally {
        await new Promise<void>((resolve) => redirector.close(() => resolve()));
      }
    });
  });

  describe("generateOpenAiOnce", () => {
    const questionsSchema = toJsonSchema({ schema: questionsAnswerSchema(3) }) as Record<string, unknown>;
    const system = "You are an interview coach. Answer in JSON.";
    const prompt = "Write three interview questions for a backend engineer.";

    function request(extra: Partial<GenerateRequest> = {}): GenerateRequest {
      return {
        messages: [
          { role: "system", content: [{ text: system }] },
          { role: "user", content: [{ text: prompt }] },
        ],
        config: { temperature: 0.7 },
        output: { format: "json", schema: questionsSchema, constrained: true, contentType: "application/json" },
        ...extra,
      };
    }
    function call(apiKey: string, extra: Partial<ProviderCall> = {}): ProviderCall {
      return { apiKey, baseUrl: standIn.url, model, maxOutputTokens: 8_192, abortSignal: new AbortController().signal, ...extra };
    }

    it("asks for native strict structured output and returns JSON that satisfies the original schema", async () => {
      const apiKey = fakeOpenAiKey();
      const response = await generateOpenAiOnce(request(), call(apiKey));

      assert.equal(response.finishReason, "stop");
      assert.equal(response.message?.role, "model");
      const answer = JSON.parse(response.message?.content[0].text ?? "") as QuestionsAnswer;
      const validation = validateSchema(answer, { jsonSchema: questionsSchema });
      assert.ok(validation.valid, JSON.stringify(validation.errors));
      assert.equal(answer.questions.length, 3);
      assert.equal(typeof answer.questions[0].rationale, "string");
      assert.ok(!("rationale" in answer.questions[1]), "the model's null for an absent optional property is removed");

      const format = (standIn.requests[0].body as SentBody).response_format;
      assert.equal(format?.type, "json_schema");
      assert.equal(format?.json_schema?.name, "answer");
      assert.equal(format?.json_schema?.strict, true);
      assert.equal(format?.json_schema?.schema.additionalProperties, false);
    });

    it("sends the system prompt as a developer message, max_completion_tokens (never max_tokens), low reasoning effort, and no temperature to GPT-6", async () => {
      await generateOpenAiOnce(request(), call(fakeOpenAiKey(), { maxOutputTokens: 4_000 }));
      const body = standIn.requests[0].body as SentBody;

      assert.equal(body.model, model);
      assert.deepEqual(body.messages, [
        { role: "developer", content: system },
        { role: "user", content: prompt },
      ]);
      assert.equal(body.max_completion_tokens, 4_000);
      assert.equal("max_tokens" in body, false);
      assert.equal(body.reasoning_effort, "low");
      assert.equal("temperature" in body, false);
      assert.equal(body.store, false);
    });

    it("sends the temperature, and no reasoning effort, to a model that does not reason", async () => {
      await generateOpenAiOnce(request(), call(fakeOpenAiKey(), { model: "gpt-4o-2024-08-06" }));
      const body = standIn.requests[0].body as SentBody;

      assert.equal(body.temperature, 0.7);
      assert.equal("reasoning_effort" in body, false);
    });

    it("maps usage, reasoning apart from output, as Genkit counts it", async () => {
      const { usage } = await generateOpenAiOnce(request(), call(fakeOpenAiKey()));

      assert.equal(usage?.thoughtsTokens, 256);
      assert.ok((usage?.outputTokens ?? 0) > 0);
      assert.equal(usage?.totalTokens, (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0) + 256);
    });

    it("returns plain text when no output schema is asked for", async () => {
      const response = await generateOpenAiOnce(request({ output: undefined }), call(fakeOpenAiKey()));

      assert.ok((response.message?.content[0].text ?? "").length > 20);
      assert.equal("response_format" in (standIn.requests[0].body as object), false);
    });

    it("lets Genkit see a cut answer as finishReason length (its parsing then fails and the flow may ask again)", async () => {
      const response = await generateOpenAiOnce(request(), call(fakeOpenAiKey(), { maxOutputTokens: 300 }));

      assert.equal(response.finishReason, "length");
      assert.throws(() => JSON.parse(response.message!.content[0].text!));
    });

    it("puts the key only in the Authorization header, never the project's settings from the environment", async () => {
      const apiKey = fakeOpenAiKey();
      const operatorKey = fakeOpenAiKey("", "admin");
      const saved = { ...process.env };
      const printed: unknown[] = [];
      const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
      const originals = consoleMethods.map((name) => console[name].bind(console));
      Object.assign(process.env, {
        OPENAI_API_KEY: fakeOpenAiKey(),
        OPENAI_ADMIN_KEY: operatorKey,
        OPENAI_ORG_ID: "org-operator",
        OPENAI_PROJECT_ID: "proj_operator",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        OPENAI_LOG: "debug",
      });
      for (const name of consoleMethods) console[name] = (...args: unknown[]) => printed.push(args);
      try {
        await generateOpenAiOnce(request(), call(apiKey));
      } finally {
        consoleMethods.forEach((name, index) => (console[name] = originals[index]));
        for (const name of ["OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_BASE_URL", "OPENAI_LOG"]) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      }

      assert.equal(standIn.requests.length, 1, "the call went to call.baseUrl, not OPENAI_BASE_URL");
      const [sent] = standIn.requests;
      assertKeyOnlyInAuthorization(sent, apiKey);
      assert.equal(sent.headers["openai-organization"], undefined);
      assert.equal(sent.headers["openai-project"], undefined);
      assert.ok(!JSON.stringify(sent).includes(operatorKey));
      assert.deepEqual(printed, [], "the SDK printed nothing, OPENAI_LOG notwithstanding");
    });

    const failures: Array<[Outcome, UpstreamFailure]> = [
      ["invalid-key", { kind: "key_invalid" }],
      ["deactivated", { kind: "key_invalid" }],
      ["no-scope", { kind: "key_not_permitted" }],
      ["model-denied", { kind: "model_unavailable" }],
      ["credit-exhausted", { kind: "quota" }],
      ["quota", { kind: "quota" }],
      ["rate-limited", { kind: "rate_limited", retryAfterSeconds: 2 }],
      ["internal", { kind: "transient" }],
      ["overloaded", { kind: "model_busy" }],
      ["refusal", { kind: "blocked" }],
      ["content-filter", { kind: "blocked" }],
    ];
    for (const [outcome, expected] of failures) {
      it(`${outcome} → ${JSON.stringify(expected)}, in one request, with nothing of the key or of OpenAI's message in the error`, async () => {
        const apiKey = keyWith(outcome);
        const work = generateOpenAiOnce(request(), call(apiKey));
        const error = await work.catch((caught: unknown) => caught);

        assert.ok(error instanceof UpstreamCallError);
        assert.deepEqual(error.failure, expected);
        assert.equal(standIn.requests.length, 1, "no retry of the SDK's own");
        const visible = everythingIn(error);
        for (const secret of [apiKey, maskedKey(apiKey), apiKey.slice(0, 8), apiKey.slice(-12)]) assert.ok(!visible.includes(secret), `the error does not carry ${secret.length} characters of the key`);
        assert.ok(!/Incorrect API key|Rate limit reached|insufficient|overloaded|deactivated/i.test(visible), "nor OpenAI's message");
        assert.equal((error as Error & { cause?: unknown }).cause, undefined);
      });
    }

    it("an admin key is refused as a rejected key, in one request", async () => {
      assert.deepEqual(await failureOf(generateOpenAiOnce(request(), call(fakeOpenAiKey("", "admin")))), { kind: "key_invalid" });
      assert.equal(standIn.requests.length, 1);
    });

    it("cuts the request when the caller's signal aborts, and throws no UpstreamCallError (the caller decides what that was)", async () => {
      const controller = new AbortController();
      const pending = generateOpenAiOnce(request(), call(fakeOpenAiKey(slowMarker), { abortSignal: controller.signal })).catch((caught: unknown) => caught);
      await waitUntil("the stand-in has the request", async () => standIn.requests.length === 1, { timeoutMs: 5_000, intervalMs: 10 });
      controller.abort();
      const error = await pending;

      assert.ok(error instanceof Error && !(error instanceof UpstreamCallError), String(error));
      await waitUntil("the stand-in saw the request cut", async () => standIn.requests[0].abandoned === true, { timeoutMs: 5_000, intervalMs: 10 });
      assert.equal(standIn.requests.length, 1);
    });

    it("sends nothing when the caller's signal has already aborted", async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await generateOpenAiOnce(request(), call(fakeOpenAiKey(), { abortSignal: controller.signal })).catch((caught: unknown) => caught);

      assert.ok(error instanceof Error && !(error instanceof UpstreamCallError));
      assert.equal(standIn.requests.length, 0);
    });

    it("throws the connection failure as it is when nothing listens, so the caller counts it as no answer", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const apiKey = fakeOpenAiKey();
      const error = await generateOpenAiOnce(request(), call(apiKey, { baseUrl: `http://127.0.0.1:${port}` })).catch((caught: unknown) => caught);

      assert.ok(error instanceof Error && !(error instanceof UpstreamCallError));
      assert.ok(!everythingIn(error).includes(apiKey));
    });

    it("refuses to send a tool message, which the user-key model never asks for", async () => {
      const toolRequest = request({ messages: [{ role: "tool", content: [{ toolResponse: { name: "x", output: 1 } }] }] });
      assert.deepEqual(await failureOf(generateOpenAiOnce(toolRequest, call(fakeOpenAiKey()))), { kind: "unexpected" });
      assert.equal(standIn.requests.length, 0);
    });
  });
});
