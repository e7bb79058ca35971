import assert from "node:assert/strict";
import { orderModels, recommendedModels, withPriceNotes } from "../../functions/src/keys/key-models";
import { structuredOutputModel as anthropicModel } from "../../functions/src/provider-apis/anthropic/list-models";
import { structuredTextModel as geminiModel } from "../../functions/src/provider-apis/gemini/list-models";
import { structuredChatModel as openAiModel } from "../../functions/src/provider-apis/openai/list-models";
import { structuredOutputModel as openRouterModel } from "../../functions/src/provider-apis/openrouter/list-models";

/** The pure parts of the model lists: each provider's filter, and the order Settings shows. */

describe("model lists", () => {
  it("orders the default first, then the recommended ones the key has, then the rest in the provider's order, each once", () => {
    const listed = ["c", "rec-2", "default", "a", "rec-1", "a"].map((id) => ({ id, label: id.toUpperCase() }));
    assert.deepEqual(orderModels(listed, "default", ["rec-1", "missing", "rec-2", "default"]), [
      { id: "default", label: "DEFAULT", note: "recommended" },
      { id: "rec-1", label: "REC-1", note: "recommended" },
      { id: "rec-2", label: "REC-2", note: "recommended" },
      { id: "c", label: "C" },
      { id: "a", label: "A" },
    ]);
    assert.deepEqual(orderModels(listed, "not-listed", []).map((model) => model.id), ["c", "rec-2", "default", "a", "rec-1"]);
    for (const list of Object.values(recommendedModels)) assert.ok(list.length > 0 && list.length <= 3);
  });

  it("notes what a model costs only where the price table has its row, with the row's date", () => {
    const row = { provider: "openai" as const, model: "cheap", inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.5, source: "https://example.test/prices", date: "2001-02-03" };
    const noted = withPriceNotes("openai", [{ id: "cheap", label: "Cheap", note: "recommended" }, { id: "unpriced", label: "Unpriced" }, { id: "cheap", label: "Again" }].slice(0, 2), (model) => (model === "cheap" ? row : undefined));
    assert.deepEqual(noted, [
      { id: "cheap", label: "Cheap", note: "recommended · $0.1 / $0.5 per M tokens (list price, 2001-02-03)" },
      { id: "unpriced", label: "Unpriced" },
    ]);
  });

  it("Gemini: generateContent text models only, labelled with Google's display name", () => {
    const entry = (id: string, methods: string[]) => ({ name: `models/${id}`, displayName: `Name of ${id}`, supportedGenerationMethods: methods });
    assert.deepEqual(geminiModel(entry("gemini-flash-latest", ["generateContent", "countTokens"])), { id: "gemini-flash-latest", label: "Name of gemini-flash-latest" });
    for (const [id, methods] of [
      ["gemini-embedding-001", ["embedContent"]],
      ["imagen-4.0-generate-001", ["predict"]],
      ["gemini-3.5-flash-preview-tts", ["generateContent"]],
      ["gemini-3.5-flash-image", ["generateContent"]],
      ["gemini-3.5-flash-native-audio", ["generateContent"]],
      ["gemma-3-27b-it", ["generateContent"]],
      ["gemini-3.5-flash-live", ["bidiGenerateContent"]],
    ] as const) {
      assert.equal(geminiModel(entry(id, [...methods])), undefined, id);
    }
    assert.equal(geminiModel({ name: "tunedModels/x", supportedGenerationMethods: ["generateContent"] }), undefined);
    assert.deepEqual(geminiModel({ name: "models/gemini-x", supportedGenerationMethods: ["generateContent"] }), { id: "gemini-x", label: "gemini-x" });
  });

  it("OpenAI: GPT chat models that take json_schema, by id family, none past its shutdown date", () => {
    const now = Date.parse("2026-12-05T00:00:00Z");
    for (const id of ["gpt-6-luna", "gpt-6.1-terra", "gpt-5.4-mini", "gpt-5", "gpt-4o-2024-08-06", "gpt-4.1-mini-2025-04-14", "gpt-10"]) {
      assert.deepEqual(openAiModel({ id }, now), { id, label: id }, id);
    }
    for (const id of ["gpt-4o-2024-05-13", "gpt-4", "gpt-3.5-turbo", "o1", "text-embedding-3-small", "gpt-image-1", "gpt-realtime", "gpt-4o-mini-tts", "gpt-4o-transcribe", "gpt-4o-search-preview", "gpt-5-codex", "whisper-1", "dall-e-3", "omni-moderation-latest", "gpt-oss-120b"]) {
      assert.equal(openAiModel({ id }, now), undefined, id);
    }
    assert.equal(openAiModel({ id: "gpt-5", shutdown_date: "2026-12-01" }, now), undefined);
    assert.ok(openAiModel({ id: "gpt-5", shutdown_date: "2026-12-11" }, now));
  });

  it("Anthropic: models whose capabilities say structured outputs, not retired, labelled with the display name", () => {
    const entry = (structured: boolean, lifecycle = "active") => ({ id: "claude-x", display_name: "Claude X", lifecycle, capabilities: { structured_outputs: { supported: structured } } });
    assert.deepEqual(anthropicModel(entry(true)), { id: "claude-x", label: "Claude X" });
    assert.deepEqual(anthropicModel(entry(true, "deprecated")), { id: "claude-x", label: "Claude X" });
    assert.equal(anthropicModel(entry(false)), undefined);
    assert.equal(anthropicModel(entry(true, "retired")), undefined);
    assert.deepEqual(anthropicModel({ id: "claude-y" }), { id: "claude-y", label: "claude-y" }, "an entry without capabilities is kept");
  });

  it("OpenRouter: entries of the structured_outputs list, labelled with OpenRouter's name", () => {
    assert.deepEqual(openRouterModel({ id: "a/b", name: "A: B", supported_parameters: ["structured_outputs"] }), { id: "a/b", label: "A: B" });
    assert.equal(openRouterModel({ id: "a/c", name: "A: C", supported_parameters: ["response_format"] }), undefined);
  });
});
