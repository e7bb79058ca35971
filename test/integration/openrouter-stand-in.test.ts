import assert from "node:assert/strict";
import { startOpenRouterStandIn, type OpenRouterStandIn } from "../../dev/openrouter-stand-in/server";
import { fakeOpenRouterKey } from "../support/keys";

/** The OpenRouter stand-in answers as the API does (docs/openrouter-api.md): the shapes the adapter relies on. */
describe("OpenRouter stand-in", () => {
  let standIn: OpenRouterStandIn;
  before(async () => {
    standIn = await startOpenRouterStandIn({ port: 0, slowDelayMs: 50 });
  });
  after(() => standIn.stop());
  afterEach(() => standIn.reset());

  const chat = (apiKey: string, body: Record<string, unknown>) =>
    fetch(`${standIn.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const schemaFormat = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false } } };
  const messages = [{ role: "user", content: "Hello" }];

  it("lists models with supported_parameters, filtered by ?supported_parameters", async () => {
    const all = (await (await fetch(`${standIn.url}/api/v1/models`)).json()) as { data: Array<{ id: string; supported_parameters: string[] }> };
    const structured = (await (await fetch(`${standIn.url}/api/v1/models?supported_parameters=structured_outputs`)).json()) as { data: Array<{ id: string }> };
    assert.ok(all.data.some((model) => model.id === "mistralai/mistral-7b-instruct"));
    assert.ok(structured.data.some((model) => model.id === "openai/gpt-6-luna"));
    assert.ok(!structured.data.some((model) => model.id === "mistralai/mistral-7b-instruct"));
  });

  it("refuses a json_schema for a model whose endpoints lack structured outputs when require_parameters is set (404)", async () => {
    const response = await chat(fakeOpenRouterKey(), { model: "mistralai/mistral-7b-instruct", messages, response_format: schemaFormat, provider: { require_parameters: true } });
    assert.equal(response.status, 404);
    assert.deepEqual(Object.keys(((await response.json()) as { error: object }).error).sort(), ["code", "message"]);
  });

  it("answers schema-shaped JSON with usage and cost on a model that supports it", async () => {
    const response = await chat(fakeOpenRouterKey(), { model: "openai/gpt-6-luna", messages, response_format: schemaFormat, provider: { require_parameters: true } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }>; usage: { cost: number } };
    assert.equal(typeof (JSON.parse(body.choices[0].message.content) as { a: unknown }).a, "string");
    assert.ok(body.usage.cost > 0);
  });

  it("answers each documented error with {error: {code, message, metadata?}} and the status equal to code", async () => {
    for (const [marker, status] of [["401", 401], ["402", 402], ["403", 403], ["408", 408], ["429", 429], ["502", 502], ["503", 503]] as const) {
      const response = await chat(fakeOpenRouterKey(marker), { model: "openai/gpt-6-luna", messages });
      const body = (await response.json()) as { error: { code: number; message: string; metadata?: { reasons?: string[] } } };
      assert.equal(response.status, status, marker);
      assert.equal(body.error.code, status);
      if (status === 403) assert.deepEqual(body.error.metadata?.reasons, ["harassment"]);
    }
  });

  it("drops the connection mid-answer for the dc0 marker, after sending the status line", async () => {
    const response = await chat(fakeOpenRouterKey("dc0"), { model: "openai/gpt-6-luna", messages });
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
  });

  it("redirects with 307 to the configured origin, the path kept", async () => {
    standIn.redirectTo("http://127.0.0.1:9");
    const response = await fetch(`${standIn.url}/api/v1/key`, { headers: { authorization: `Bearer ${fakeOpenRouterKey("307")}` }, redirect: "manual" });
    assert.equal(response.status, 307);
    assert.equal(response.headers.get("location"), "http://127.0.0.1:9/api/v1/key");
  });
});
