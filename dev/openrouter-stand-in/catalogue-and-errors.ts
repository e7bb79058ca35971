/**
 * The models the OpenRouter stand-in serves and the error bodies it answers, in OpenRouter's shapes
 * (docs/openrouter-api.md): `{"error":{"code","message","metadata"?}}` with the HTTP status equal to `code`.
 */

export interface OpenRouterErrorBody {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
}

export interface OpenRouterError {
  httpStatus: number;
  body: OpenRouterErrorBody;
  headers?: Record<string, string>;
}

const error = (code: number, message: string, metadata?: Record<string, unknown>, headers?: Record<string, string>): OpenRouterError => ({
  httpStatus: code,
  body: { error: { code, message, ...(metadata ? { metadata } : {}) } },
  ...(headers ? { headers } : {}),
});

export const missingKeyError = () => error(401, "No auth credentials found");
export const invalidKeyError = () => error(401, "User not found.");
export const insufficientCreditsError = () =>
  error(402, "This request requires more credits, or fewer max_tokens. Add more credits at https://openrouter.ai/settings/credits", {
    limit_source: "openrouter_key_limit",
  });
/** The moderation refusal: the flagged text is quoted in `metadata.flagged_input` (so a client must never pass it on). */
export const moderationError = (flaggedInput: string, model: string) =>
  error(403, `${model} requires moderation on OpenRouter. Your input was flagged for "harassment".`, {
    reasons: ["harassment"],
    flagged_input: flaggedInput.slice(0, 100),
    provider_name: "OpenAI",
    model_slug: model,
  });
export const internalError = () => error(500, "Internal Server Error");
export const timeoutError = () => error(408, "Request timed out");
export const rateLimitError = () => error(429, "Rate limit exceeded: limit_rpm/openai/gpt-6-luna", undefined, { "retry-after": "2" });
export const providerDownError = (model: string) =>
  error(502, "Provider returned error", { provider_name: "OpenAI", raw: `upstream error for ${model}` });
export const noProviderError = () => error(503, "No available model provider that meets your routing requirements");
/** 404 for a model OpenRouter no longer routes (removed from its catalogue): a retired model. */
export const modelGoneError = (model: string) => error(404, `No endpoints found for ${model}.`);
export const noEndpointsError = () => error(404, "No endpoints found that can handle the requested parameters.");
export const invalidModelError = (model: string) => error(400, `${model} is not a valid model ID`);
export const badRequestError = (message: string) => error(400, message);
export const notFoundError = () => error(404, "Not Found");

/** A model as `GET /api/v1/models` lists it (the fields the app and its tests read, and a few more). */
export interface OpenRouterModel {
  id: string;
  canonical_slug: string;
  name: string;
  created: number;
  context_length: number;
  pricing: { prompt: string; completion: string };
  supported_parameters: string[];
}

const withSchema = ["max_tokens", "temperature", "top_p", "stop", "seed", "response_format", "structured_outputs", "tools", "tool_choice"];
const withoutSchema = ["max_tokens", "temperature", "top_p", "stop", "seed"];

export const models: readonly OpenRouterModel[] = [
  model("openai/gpt-6-luna", "OpenAI: GPT-6 Luna", "0.0000001", "0.0000005", withSchema),
  model("anthropic/claude-haiku-5.5", "Anthropic: Claude Haiku 5.5", "0.000001", "0.000005", withSchema),
  model("google/gemini-3.8-flash", "Google: Gemini 3.8 Flash", "0.0000003", "0.0000025", withSchema),
  // A model whose endpoints take no response_format: with require_parameters, a schema finds no endpoint.
  model("mistralai/mistral-7b-instruct", "Mistral: Mistral 7B Instruct", "0.00000003", "0.00000005", withoutSchema),
];

function model(id: string, name: string, prompt: string, completion: string, supported: string[]): OpenRouterModel {
  return { id, canonical_slug: id, name, created: 1_790_000_000, context_length: 400_000, pricing: { prompt, completion }, supported_parameters: supported };
}

/** `GET /api/v1/models?supported_parameters=a,b`: the models supporting every parameter named. */
export function listModels(supportedParameters: string | null): { data: OpenRouterModel[] } {
  const wanted = (supportedParameters ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  return { data: models.filter((entry) => wanted.every((name) => entry.supported_parameters.includes(name))) };
}

export const findModel = (id: string) => models.find((entry) => entry.id === id);
