import assert from "node:assert/strict";
import { thoughtsTokenCount } from "../../dev/gemini-stand-in/server";
import { reasoningTokens } from "../../dev/openrouter-stand-in/server";
import type { Provider } from "../../functions/src/providers";
import { anthropicStandIn, geminiStandIn, openAiStandIn, openRouterStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey } from "../support/keys";

/**
 * What every stand-in gained for issue 19, over plain HTTP: a model made busy or retired answers as that
 * provider answers (by `setModelBehaviour`, or by the key marker for the first model a key asks for), and
 * every successful answer reports usage in the provider's own fields.
 */

interface Provided {
  provider: Provider;
  model: string;
  other: string;
  key: (marker?: string) => string;
  markers: { busy: string; retired: string };
  send: (apiKey: string, model: string) => Promise<{ status: number; body: Record<string, unknown> }>;
  setModelBehaviour: (model: string, behaviour: "busy" | "retired" | undefined) => void;
  reset: () => void;
  busy: { status: number; check: (body: Record<string, unknown>) => void };
  retired: { status: number; check: (body: Record<string, unknown>, model: string) => void };
  usage: (body: Record<string, unknown>) => void;
}

const post = async (url: string, headers: Record<string, string>, body: unknown) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const messages = [{ role: "user", content: "One interview question, please." }];
const at = (body: unknown, ...path: string[]): unknown => path.reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], body);

const standIns: Provided[] = [
  {
    provider: "googleai",
    model: "gemini-flash-latest",
    other: "gemini-flash-lite-latest",
    key: (marker = "") => fakeGeminiKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel" },
    send: (apiKey, model) =>
      post(`${geminiStandIn().url}/v1beta/models/${model}:generateContent`, { "x-goog-api-key": apiKey }, { contents: [{ role: "user", parts: [{ text: "One question." }] }] }),
    setModelBehaviour: (model, behaviour) => geminiStandIn().setModelBehaviour(model, behaviour),
    reset: () => geminiStandIn().reset(),
    busy: {
      status: 503,
      check: (body) => {
        assert.equal(at(body, "error", "status"), "UNAVAILABLE");
        assert.equal(at(body, "error", "message"), "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.");
      },
    },
    retired: { status: 404, check: (body) => assert.equal(at(body, "error", "status"), "NOT_FOUND") },
    usage: (body) => {
      assert.ok((at(body, "usageMetadata", "promptTokenCount") as number) > 0);
      assert.ok((at(body, "usageMetadata", "candidatesTokenCount") as number) > 0);
      assert.equal(at(body, "usageMetadata", "thoughtsTokenCount"), thoughtsTokenCount);
    },
  },
  {
    provider: "openai",
    model: "gpt-6-luna",
    other: "gpt-5.4-mini",
    key: (marker = "") => fakeOpenAiKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel" },
    send: (apiKey, model) => post(`${openAiStandIn().url}/v1/chat/completions`, { authorization: `Bearer ${apiKey}` }, { model, messages }),
    setModelBehaviour: (model, behaviour) => openAiStandIn().setModelBehaviour(model, behaviour),
    reset: () => openAiStandIn().reset(),
    busy: { status: 503, check: (body) => assert.equal(at(body, "error", "code"), "server_is_overloaded") },
    retired: { status: 404, check: (body) => assert.equal(at(body, "error", "code"), "model_not_found") },
    usage: (body) => {
      assert.ok((at(body, "usage", "prompt_tokens") as number) > 0);
      assert.ok((at(body, "usage", "completion_tokens") as number) > 0);
      assert.equal(typeof at(body, "usage", "completion_tokens_details", "reasoning_tokens"), "number");
    },
  },
  {
    provider: "anthropic",
    model: "claude-haiku-5-5",
    other: "claude-haiku-4-5",
    key: (marker = "") => fakeAnthropicKey(marker),
    markers: { busy: "busymodel", retired: "retiredmodel" },
    send: (apiKey, model) =>
      post(`${anthropicStandIn().url}/v1/messages`, { "x-api-key": apiKey, "anthropic-version": "2026-10-21" }, { model, max_tokens: 1024, messages }),
    setModelBehaviour: (model, behaviour) => anthropicStandIn().setModelBehaviour(model, behaviour),
    reset: () => anthropicStandIn().reset(),
    busy: { status: 529, check: (body) => assert.equal(at(body, "error", "type"), "overloaded_error") },
    retired: { status: 404, check: (body, model) => assert.deepEqual(at(body, "error"), { type: "not_found_error", message: `model: ${model}` }) },
    usage: (body) => {
      assert.ok((at(body, "usage", "input_tokens") as number) > 0);
      assert.ok((at(body, "usage", "output_tokens") as number) > 0);
    },
  },
  {
    provider: "openrouter",
    model: "openai/gpt-6-luna",
    other: "google/gemini-3.8-flash",
    key: (marker = "") => fakeOpenRouterKey(marker),
    markers: { busy: "b0b0", retired: "d0d0" },
    send: (apiKey, model) => post(`${openRouterStandIn().url}/api/v1/chat/completions`, { authorization: `Bearer ${apiKey}` }, { model, messages }),
    setModelBehaviour: (model, behaviour) => openRouterStandIn().setModelBehaviour(model, behaviour),
    reset: () => openRouterStandIn().reset(),
    busy: { status: 502, check: (body) => assert.equal(at(body, "error", "code"), 502) },
    retired: { status: 404, check: (body, model) => assert.equal(at(body, "error", "message"), `No endpoints found for ${model}.`) },
    usage: (body) => {
      assert.ok((at(body, "usage", "prompt_tokens") as number) > 0);
      assert.equal(at(body, "usage", "completion_tokens_details", "reasoning_tokens"), reasoningTokens);
      assert.equal(typeof at(body, "usage", "cost"), "number");
    },
  },
];

for (const standIn of standIns) {
  describe(`${standIn.provider} stand-in: busy and retired models, usage`, () => {
    afterEach(() => standIn.reset());

    it("answers normally, with the provider's usage fields", async () => {
      const { status, body } = await standIn.send(standIn.key(), standIn.model);
      assert.equal(status, 200);
      standIn.usage(body);
    });

    it("setModelBehaviour makes one model busy or retired for every key, other models untouched, until reset", async () => {
      standIn.setModelBehaviour(standIn.model, "busy");
      const busy = await standIn.send(standIn.key(), standIn.model);
      assert.equal(busy.status, standIn.busy.status);
      standIn.busy.check(busy.body);
      assert.equal((await standIn.send(standIn.key(), standIn.other)).status, 200);

      standIn.setModelBehaviour(standIn.model, "retired");
      const retired = await standIn.send(standIn.key(), standIn.model);
      assert.equal(retired.status, standIn.retired.status);
      standIn.retired.check(retired.body, standIn.model);

      standIn.reset();
      assert.equal((await standIn.send(standIn.key(), standIn.model)).status, 200);
    });

    it("the busy and retired key markers apply to the first model the key asks for, from then on", async () => {
      const busyKey = standIn.key(standIn.markers.busy);
      assert.equal((await standIn.send(busyKey, standIn.model)).status, standIn.busy.status);
      assert.equal((await standIn.send(busyKey, standIn.other)).status, 200);
      assert.equal((await standIn.send(busyKey, standIn.model)).status, standIn.busy.status);

      const retiredKey = standIn.key(standIn.markers.retired);
      assert.equal((await standIn.send(retiredKey, standIn.other)).status, standIn.retired.status);
      assert.equal((await standIn.send(retiredKey, standIn.model)).status, 200);
    });
  });
}
