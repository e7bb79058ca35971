import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { GenerateRequest } from "genkit/model";
import { toJsonSchema, validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { outcomeMarkers, slowMarker, startAnthropicStandIn, type AnthropicStandIn, type Outcome } from "../../dev/anthropic-stand-in/server";
import { feedbackAnswerSchema, questionsAnswerSchema } from "../../functions/src/ai/schemas";
import { anthropicCheckApiVersion, checkAnthropicKey } from "../../functions/src/provider-apis/anthropic/check-key";
import { generateAnthropicOnce } from "../../functions/src/provider-apis/anthropic/generate";
import type { ProviderCall } from "../../functions/src/provider-apis/provider-api";
import { UpstreamCallError, type UpstreamFailure } from "../../functions/src/provider-apis/upstream-failure";
import { fakeAnthropicKey } from "../support/keys";
import { ownStandIn } from "../support/own-stand-in";

/**
 * The Anthropic adapter against the stand-in over real HTTP: the key check (plain fetch) and one
 * generation through the real `@anthropic-ai/sdk`, as a user or an attacker would see them — what reached
 * "Anthropic", where the key travelled, and what each failure becomes.
 */

const model = "claude-haiku-5-5";
const slowDelayMs = 400;

function keyWith(outcome: Outcome): string {
  return fakeAnthropicKey(outcomeMarkers.find(([, markerOutcome]) => markerOutcome === outcome)![0]);
}

/** A request as the app's flows make it: a system prompt, the user's prompt, JSON of a zod-derived schema. */
function questionsRequest(count = 5, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    messages: [
      { role: "system", content: [{ text: "You are an experienced interviewer." }] },
      { role: "user", content: [{ text: "Write " }, { text: `${count} questions for a backend engineer.` }] },
    ],
    config: { temperature: 0.7 },
    output: { format: "json", schema: toJsonSchema({ schema: questionsAnswerSchema(count) }) as Record<string, unknown>, constrained: true },
    ...extra,
  };
}

const textRequest = (text = "Give me one interview tip."): GenerateRequest => ({ messages: [{ role: "user", content: [{ text }] }] });

/** Every object of a schema, nested ones included. */
function objectsOf(schema: unknown): Array<Record<string, unknown>> {
  if (!schema || typeof schema !== "object") return [];
  const node = schema as Record<string, unknown>;
  const nested = Object.values(node).flatMap((value) => (Array.isArray(value) ? value.flatMap(objectsOf) : objectsOf(value)));
  return node.type === "object" ? [node, ...nested] : nested;
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamFailure | { kind: "no_answer" } | { kind: "cancelled" }> {
  const error = await promise.then(
    () => assert.fail("the call succeeded"),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof UpstreamCallError, `not an UpstreamCallError: ${String(error)}`);
  return error.failure;
}

describe("Anthropic adapter", () => {
  let standIn: AnthropicStandIn;
  ownStandIn(() => startAnthropicStandIn({ port: 0, slowDelayMs }), (started) => (standIn = started));

  const callWith = (apiKey: string, overrides: Partial<ProviderCall> = {}): ProviderCall => ({
    apiKey,
    baseUrl: standIn.url,
    model,
    maxOutputTokens: 8192,
    abortSignal: new AbortController().signal,
    ...overrides,
  });

  describe("checkAnthropicKey", () => {
    const check = (apiKey: string, options: { model?: string; timeoutMs?: number; baseUrl?: string } = {}) =>
      checkAnthropicKey(apiKey, { baseUrl: options.baseUrl ?? standIn.url, model: options.model ?? model, timeoutMs: options.timeoutMs ?? 5_000 });

    it("asks for the configured model with the key in x-api-key only, and spends nothing: valid", async () => {
      const apiKey = fakeAnthropicKey();

      assert.equal(await check(apiKey), "valid");
      assert.equal(standIn.requests.length, 1);
      const [request] = standIn.requests;
      assert.equal(request.method, "GET");
      assert.equal(request.path, `/v1/models/${model}`);
      assert.deepEqual(request.query, {});
      assert.equal(request.headers["x-api-key"], apiKey);
      assert.equal(request.headers["anthropic-version"], anthropicCheckApiVersion);
      assert.equal(request.headers.authorization, undefined);
    });

    const verdicts: Array<[string, () => string, string, Awaited<ReturnType<typeof checkAnthropicKey>>]> = [
      ["an unknown, revoked or expired key", () => keyWith("invalid-key"), model, "rejected_by_provider"],
      ["an Admin API key (Anthropic's 401)", () => fakeAnthropicKey("", "admin"), model, "rejected_by_provider"],
      ["a Claude OAuth token (Anthropic's OAuth 401)", () => fakeAnthropicKey("", "oauth"), model, "rejected_by_provider"],
      ["a key of an organization on hold", () => keyWith("organization-on-hold"), model, "rejected_by_provider"],
      ["a key without permission (403)", () => keyWith("permission-denied"), model, "not_permitted"],
      ["a key whose organization may not use the model", () => keyWith("model-denied"), model, "model_unavailable"],
      ["a model Anthropic does not know", () => fakeAnthropicKey(), "claude-3-5-haiku-latest", "model_unavailable"],
      ["a retired model, still in the catalogue", () => fakeAnthropicKey(), "claude-sonnet-4-20250514", "model_unavailable"],
      ["an alias of a served model", () => fakeAnthropicKey(), "claude-haiku-4-5", "valid"],
      ["a billing problem (402)", () => keyWith("billing"), model, "quota_exhausted"],
      ["a rate-limited key: it authenticated", () => keyWith("rate-limited"), model, "valid"],
      ["a key out of credit: the Models API cannot tell (documented)", () => keyWith("credit-too-low"), model, "valid"],
      ["Anthropic's server error", () => keyWith("server-error"), model, "unreachable"],
      ["Anthropic overloaded (529)", () => keyWith("overloaded"), model, "unreachable"],
    ];
    for (const [situation, key, modelId, verdict] of verdicts) {
      it(`${situation}: ${verdict}`, async () => {
        assert.equal(await check(key(), { model: modelId }), verdict);
      });
    }

    it("a spend cap's 429 (enforced_spend_limit_reached) on the Models API: quota_exhausted", async () => {
      const apiKey = fakeAnthropicKey();
      standIn.setBehaviour(apiKey, { outcome: "spend-limit", everywhere: true });
      assert.equal(await check(apiKey), "quota_exhausted");
    });

    it("no answer in time, or nobody listening: no_answer", async () => {
      assert.equal(await check(fakeAnthropicKey(slowMarker), { timeoutMs: 100 }), "no_answer");
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      assert.equal(await check(fakeAnthropicKey(), { baseUrl: `http://127.0.0.1:${port}` }), "no_answer");
    });

    it("refuses a redirect instead of carrying the key to where it points: no_answer", async () => {
      let redirector: Server | undefined;
      try {
        redirector = createServer((_request, response) => {
          response.writeHead(307, { location: `${standIn.url}/v1/models/${model}` });
          response.end();
        });
        await new Promise<void>((resolve) => redirector!.listen(0, "127.0.0.1", resolve));
        const { port } = redirector.address() as AddressInfo;

        assert.equal(await check(fakeAnthropicKey(), { baseUrl: `http://127.0.0.1:${port}` }), "no_answer");
        assert.equal(standIn.requests.length, 0, "the redirect target never saw the key");
      } finally {
        await new Promise<void>((resolve) => (redirector ? redirector.close(() => resolve()) : resolve()));
      }
    });
  });

  describe("generateAnthropicOnce", () => {
    it("answers JSON of the requested schema that validates against the original zod-derived schema", async () => {
      const request = questionsRequest(5);
      const response = await generateAnthropicOnce(request, callWith(fakeAnthropicKey()));

      assert.equal(response.finishReason, "stop");
      assert.equal(response.message?.role, "model");
      assert.equal(response.message?.content.length, 1);
      const value: unknown = JSON.parse(response.message?.content[0].text ?? "");
      const validation = validateSchema(value, { jsonSchema: request.output!.schema });
      assert.ok(validation.valid, JSON.stringify(validation.errors));
      assert.equal((value as { questions: unknown[] }).questions.length, 5);
      assert.ok((response.usage?.inputTokens ?? 0) > 0 && (response.usage?.outputTokens ?? 0) > 0);
      assert.equal(response.usage?.totalTokens, response.usage!.inputTokens! + response.usage!.outputTokens!);
      assert.equal(response.usage?.thoughtsTokens, 0);
    });

    it("answers feedback JSON (nested objects, integer bounds) that validates too", async () => {
      const schema = toJsonSchema({ schema: feedbackAnswerSchema(3) }) as Record<string, unknown>;
      const response = await generateAnthropicOnce({ ...questionsRequest(), output: { format: "json", schema } }, callWith(fakeAnthropicKey()));
      const validation = validateSchema(JSON.parse(response.message?.content[0].text ?? ""), { jsonSchema: schema });
      assert.ok(validation.valid, JSON.stringify(validation.errors));
    });

    it("sends one well-formed Messages request: cap, system prompt, thinking off, closed schema, no sampling parameters", async () => {
      await generateAnthropicOnce(questionsRequest(4), callWith(fakeAnthropicKey(), { maxOutputTokens: 3000 }));

      assert.equal(standIn.requests.length, 1);
      const [request] = standIn.requests;
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/v1/messages");
      assert.equal(request.headers["anthropic-version"], "2026-10-21");
      const body = request.body as MessageCreateParamsNonStreaming;
      assert.deepEqual(Object.keys(body).sort(), ["max_tokens", "messages", "model", "output_config", "system", "thinking"]);
      assert.equal(body.model, model);
      assert.equal(body.max_tokens, 3000);
      assert.equal(body.system, "You are an experienced interviewer.");
      assert.deepEqual(body.messages, [{ role: "user", content: "Write 4 questions for a backend engineer." }]);
      assert.deepEqual(body.thinking, { type: "disabled" });
      assert.equal(body.output_config?.format?.type, "json_schema");
      const objects = objectsOf(body.output_config?.format?.schema);
      assert.ok(objects.length >= 2);
      for (const object of objects) assert.equal(object.additionalProperties, false);
      assert.ok(!JSON.stringify(body).includes("temperature"));
    });

    it("maps Genkit's model turns to assistant turns and asks for plain text without a schema", async () => {
      const request: GenerateRequest = {
        messages: [
          { role: "user", content: [{ text: "Ask me a question." }] },
          { role: "model", content: [{ text: "What is a deadlock?" }] },
          { role: "user", content: [{ text: "Two threads each waiting on the other." }] },
        ],
      };
      const response = await generateAnthropicOnce(request, callWith(fakeAnthropicKey()));

      const body = standIn.requests[0].body as MessageCreateParamsNonStreaming;
      assert.deepEqual(
        body.messages.map((message) => message.role),
        ["user", "assistant", "user"],
      );
      assert.equal(body.output_config, undefined);
      assert.equal(body.system, undefined);
      assert.ok((response.message?.content[0].text ?? "").length > 0);
    });

    it("carries the key in the Authorization header only: not in the URL, the body or any other header", async () => {
      const apiKey = fakeAnthropicKey();
      await generateAnthropicOnce(questionsRequest(), callWith(apiKey));

      const [request] = standIn.requests;
      assert.equal(request.apiKey, apiKey);
      assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
      for (const [name, value] of Object.entries(request.headers)) {
        if (name !== "authorization") assert.ok(!value.includes(apiKey), `the key is in ${name}`);
      }
      assert.ok(!request.path.includes(apiKey) && !JSON.stringify(request.query).includes(apiKey));
      assert.ok(!JSON.stringify(request.body).includes(apiKey));
      assert.equal(request.headers.traceparent, undefined, "no trace context goes to Anthropic");
    });

    const failures: Array<[string, () => string, UpstreamFailure]> = [
      ["an unknown, revoked or expired key", () => keyWith("invalid-key"), { kind: "key_invalid" }],
      ["a Claude OAuth token", () => fakeAnthropicKey("", "oauth"), { kind: "key_invalid" }],
      ["an organization on hold", () => keyWith("organization-on-hold"), { kind: "key_invalid" }],
      ["a key without permission", () => keyWith("permission-denied"), { kind: "key_not_permitted" }],
      ["a model the key may not use", () => keyWith("model-denied"), { kind: "model_unavailable" }],
      ["a credit balance too low (400, no code)", () => keyWith("credit-too-low"), { kind: "quota" }],
      ["the organization's own spend limit (400, no code)", () => keyWith("usage-limit"), { kind: "quota" }],
      ["a billing problem (402)", () => keyWith("billing"), { kind: "quota" }],
      ["a tier's monthly spend cap (429 enforced_spend_limit_reached)", () => keyWith("spend-limit"), { kind: "quota" }],
      ["a rate limit (429 with retry-after)", () => keyWith("rate-limited"), { kind: "rate_limited", retryAfterSeconds: 7 }],
      ["Anthropic's server error (500)", () => keyWith("server-error"), { kind: "transient" }],
      ["Anthropic overloaded (529)", () => keyWith("overloaded"), { kind: "model_busy" }],
      ["processing timed out (504)", () => keyWith("timeout-error"), { kind: "transient" }],
      ["a safety refusal (stop_reason refusal)", () => keyWith("refusal"), { kind: "blocked" }],
    ];
    for (const [situation, key, expected] of failures) {
      it(`${situation}: ${JSON.stringify(expected)}, in one request, with nothing of the key or of Anthropic's text in the error`, async () => {
        const apiKey = key();
        const error = await generateAnthropicOnce(questionsRequest(), callWith(apiKey)).then(
          () => assert.fail("the call succeeded"),
          (thrown: unknown) => thrown,
        );

        assert.ok(error instanceof UpstreamCallError);
        assert.deepEqual(error.failure, expected);
        assert.equal(error.message, `Provider call failed: ${expected.kind}`);
        const visible = `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`;
        assert.ok(!visible.includes(apiKey), "the key");
        assert.ok(!visible.includes(apiKey.slice(-12)), "a piece of the key");
        assert.ok(!/credit balance|x-api-key|Overloaded|rate limit|request_id|req_01/i.test(visible), "Anthropic's text");
        assert.equal(standIn.requests.length, 1, "no retries of the SDK's own");
      });
    }

    it("lets Genkit see a truncated answer as finishReason length, whether cut by the cap or by Anthropic", async () => {
      const capped = await generateAnthropicOnce(questionsRequest(), callWith(fakeAnthropicKey(), { maxOutputTokens: 20 }));
      const truncated = await generateAnthropicOnce(questionsRequest(), callWith(keyWith("truncated")));

      assert.equal(capped.finishReason, "length");
      assert.equal((standIn.requests[0].body as { max_tokens: number }).max_tokens, 20);
      assert.equal(truncated.finishReason, "length");
      assert.throws(() => JSON.parse(truncated.message?.content[0].text ?? ""));
    });

    it("cuts the request in flight when the call's signal aborts, and rethrows that as it is (not an upstream answer)", async () => {
      const cut = new AbortController();
      const pending = generateAnthropicOnce(questionsRequest(), callWith(fakeAnthropicKey(slowMarker), { abortSignal: cut.signal }));
      while (standIn.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      cut.abort();

      const error = await pending.then(
        () => assert.fail("the call succeeded"),
        (thrown: unknown) => thrown,
      );
      assert.ok(!(error instanceof UpstreamCallError));
      while (!standIn.requests[0].abandoned) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(standIn.requests.length, 1);
    });

    it("rethrows a connection that failed as it is (no answer), without retrying", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await generateAnthropicOnce(textRequest(), callWith(fakeAnthropicKey(), { baseUrl: `http://127.0.0.1:${port}` })).then(
        () => assert.fail("the call succeeded"),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof Error && !(error instanceof UpstreamCallError));
    });

    it("asks for text when the schema has no strict form (a root that is not an object)", async () => {
      const response = await generateAnthropicOnce(
        { ...textRequest(), output: { format: "json", schema: { type: "array", items: { type: "string" } } } },
        callWith(fakeAnthropicKey()),
      );
      assert.equal((standIn.requests[0].body as { output_config?: unknown }).output_config, undefined);
      assert.equal(response.finishReason, "stop");
    });

    it("reports a busy model without retrying it: the caller's budget decides, and its next call is one fresh request", async () => {
      const apiKey = fakeAnthropicKey();
      standIn.scriptOutcomes(apiKey, ["overloaded"]);
      assert.deepEqual(await failureOf(generateAnthropicOnce(textRequest(), callWith(apiKey))), { kind: "model_busy" });
      assert.equal((await generateAnthropicOnce(textRequest(), callWith(apiKey))).finishReason, "stop");
      assert.equal(standIn.requests.length, 2);
    });
  });
});
