/**
 * The models the stand-in serves, as `GET /v1/models` lists them in late 2026 (docs/openai-anthropic-api.md
 * §4): the GPT-6 models, the GPT-5.x ones, and the dated GPT-4o / GPT-4.1 snapshots that remain until
 * 2027-01-14. Models OpenAI shut down on 2026-10-23 (gpt-3.5-turbo, gpt-4*, o1, o3-mini, o4-mini, …) and
 * every unknown id answer 404 `model_not_found`. Creation dates of the GPT-5.4/5.5 entries are placeholders.
 */

export interface ModelObject {
  id: string;
  object: "model";
  /** Unix seconds. */
  created: number;
  owned_by: string;
}

const day = (isoDate: string) => Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 1000);

const models: readonly ModelObject[] = [
  { id: "gpt-6-luna", object: "model", created: day("2026-09-22"), owned_by: "system" },
  { id: "gpt-6.1-terra", object: "model", created: day("2026-10-26"), owned_by: "system" },
  { id: "gpt-5.5", object: "model", created: day("2026-04-23"), owned_by: "system" },
  { id: "gpt-5.4-mini", object: "model", created: day("2026-03-17"), owned_by: "system" },
  { id: "gpt-5.4-nano", object: "model", created: day("2026-03-17"), owned_by: "system" },
  { id: "gpt-5", object: "model", created: day("2025-08-07"), owned_by: "system" },
  { id: "gpt-5-mini", object: "model", created: day("2025-08-07"), owned_by: "system" },
  { id: "gpt-5-nano", object: "model", created: day("2025-08-07"), owned_by: "system" },
  { id: "gpt-5-chat-latest", object: "model", created: day("2025-08-07"), owned_by: "system" },
  { id: "gpt-4o-2024-08-06", object: "model", created: day("2024-08-06"), owned_by: "system" },
  { id: "gpt-4o-mini-2024-07-18", object: "model", created: day("2024-07-18"), owned_by: "system" },
  { id: "gpt-4.1-2025-04-14", object: "model", created: day("2025-04-14"), owned_by: "system" },
  { id: "gpt-4.1-mini-2025-04-14", object: "model", created: day("2025-04-14"), owned_by: "system" },
  // Models that are not chat completions with a JSON schema, as OpenAI lists them beside the chat models:
  // the app's model list (functions/src/provider-apis/openai/list-models.ts) leaves them out by id family.
  { id: "text-embedding-3-small", object: "model", created: day("2024-01-22"), owned_by: "system" },
  { id: "gpt-image-1", object: "model", created: day("2025-04-23"), owned_by: "system" },
  { id: "gpt-realtime", object: "model", created: day("2025-08-28"), owned_by: "system" },
  { id: "gpt-4o-mini-tts", object: "model", created: day("2025-03-19"), owned_by: "system" },
  { id: "whisper-1", object: "model", created: day("2023-02-27"), owned_by: "openai-internal" },
  { id: "omni-moderation-latest", object: "model", created: day("2024-09-26"), owned_by: "system" },
];

/** `GET /v1/models`: every model, unpaged, as OpenAI lists them. */
export function listModels(): { object: "list"; data: ModelObject[] } {
  return { object: "list", data: models.map((model) => ({ ...model })) };
}

/** `GET /v1/models/{model}`, or undefined for a model OpenAI does not serve. */
export function describeModel(id: string): ModelObject | undefined {
  const model = models.find((candidate) => candidate.id === id);
  return model ? { ...model } : undefined;
}

/**
 * Reasoning models (GPT-5 and later, not the `-chat-latest` ones): they refuse `max_tokens`, take
 * `reasoning_effort`, and take a temperature other than 1 only with effort `none`.
 */
export function isReasoningModel(id: string): boolean {
  return /^gpt-(?:[5-9]|\d{2,})/.test(id) && !id.endsWith("-chat-latest");
}
