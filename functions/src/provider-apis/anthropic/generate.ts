import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import type { Message, MessageCreateParamsNonStreaming, MessageParam, StopReason } from "@anthropic-ai/sdk/resources/messages";
import type { GenerateRequest, GenerateResponseData, MessageData } from "genkit/model";
import type { GenerateOnce, ProviderCall } from "../provider-api";
import { UpstreamCallError } from "../upstream-failure";
import { oncePerSchemaText } from "../schema-forms";
import { classifyAnthropicFailure } from "./errors";

/**
 * One Messages API request (`POST /v1/messages`) with the caller's key, through the official SDK
 * (`@anthropic-ai/sdk` 1.x, API version 2026-10-21). `@genkit-ai/anthropic` 0.3 — the newest on the
 * registry — ignores a per-request key, so the SDK is called here directly.
 *
 * What the request carries, and why (docs/openai-anthropic-api.md, Anthropic):
 * - `max_tokens` = the call's cap; `thinking: {type: "disabled"}`. Claude Haiku 5.5 thinks adaptively by
 *   default (effort medium), and thinking is billed as output and counts toward `max_tokens`; our JSON
 *   answers need none. No `output_config.effort` beside it: Anthropic refuses some effort levels with
 *   thinking off, and the default is accepted.
 * - No `temperature`: API version 2026-10-21 has no sampling parameters (the SDK 1.x types dropped them),
 *   and Claude 5.x models refuse non-default ones with a 400 — which this adapter must read as a
 *   credit problem (errors.ts). Genkit's `config.temperature` is therefore not sent.
 * - Structured output natively, as `output_config.format` (GA; no beta header), with the schema made
 *   acceptable by the SDK's own `transformJSONSchema`: every object closed (`additionalProperties: false`),
 *   and constraints Anthropic's grammar does not take (`minLength`, `maximum`, `maxItems`, …) moved into
 *   the description, where the model reads them. Optional properties stay optional: Anthropic, unlike
 *   OpenAI's strict mode, accepts them. The answer comes back as text for Genkit to parse and validate
 *   against the original schema, so a broken moved constraint is caught there (the flow asks once more).
 *
 * The SDK sends no trace context and records no spans of its own here, logs nothing, retries nothing
 * (`maxRetries: 0`), follows no redirect (it would carry the key), and its timeout is set past any
 * deadline of ours: the call's `abortSignal` cuts the request.
 */
export const generateAnthropicOnce: GenerateOnce = async (request, call) => {
  const client = new Anthropic({
    apiKey: call.apiKey,
    baseURL: call.baseUrl,
    maxRetries: 0,
    timeout: sdkTimeoutMs,
    fetchOptions: { redirect: "error" },
    openTelemetry: { traces: false, propagation: false },
    logLevel: "off",
  });
  let message: Message;
  try {
    message = await client.messages.create(anthropicMessageParams(request, call), { signal: call.abortSignal });
  } catch (error) {
    throw upstreamErrorOf(error, call);
  }
  return generateResponseOf(message);
};

/** The SDK's cap for a non-streamed request: ours (the call's abort signal) always comes first. */
const sdkTimeoutMs = 10 * 60 * 1000;

/** The Messages API body for a Genkit request (exported for tests). */
export function anthropicMessageParams(request: GenerateRequest, call: Pick<ProviderCall, "model" | "maxOutputTokens">): MessageCreateParamsNonStreaming {
  const system = request.messages
    .filter((message) => message.role === "system")
    .map(textOf)
    .filter((text) => text !== "")
    .join("\n\n");
  const messages: MessageParam[] = request.messages
    .filter((message) => message.role === "user" || message.role === "model")
    .map((message): MessageParam => ({ role: message.role === "model" ? "assistant" : "user", content: textOf(message) }))
    .filter((message) => message.content !== "");
  const format = outputFormatOf(request);
  return {
    model: call.model,
    max_tokens: call.maxOutputTokens,
    ...(system ? { system } : {}),
    messages,
    thinking: { type: "disabled" },
    ...(format ? { output_config: { format } } : {}),
  };
}

/** Only text parts: the app's model declares no media and no tools. */
function textOf(message: MessageData): string {
  return message.content.map((part) => part.text ?? "").join("");
}

/**
 * Native JSON output for a JSON request with an object schema (the only root Anthropic's JSON outputs
 * take) that has a strict form. Anything else is asked for as text: Genkit's own instructions and
 * validation then apply.
 */
export function outputFormatOf(request: Pick<GenerateRequest, "output">): { type: "json_schema"; schema: Record<string, unknown> } | undefined {
  const output = request.output;
  const schema = output?.schema;
  if (!schema || output.constrained === false || (output.format !== undefined && output.format !== "json")) return undefined;
  if (schema.type !== "object") return undefined;
  const strict = strictSchemaOf(schema);
  return strict && { type: "json_schema", schema: strict };
}

/** Made once per schema (schema-forms.ts). */
const strictSchemaOf = oncePerSchemaText((schema: Record<string, unknown>): Record<string, unknown> | undefined => {
  try {
    return transformJSONSchema(schema);
  } catch {
    // A part without a type (z.any()) has no strict form: ask for text rather than send what Anthropic refuses.
    return undefined;
  }
});

const finishReasonOf: Record<StopReason, GenerateResponseData["finishReason"]> = {
  end_turn: "stop",
  stop_sequence: "stop",
  // Truncated: Genkit sees "length", and the flow's malformed-answer retry decides what to do.
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "other",
  pause_turn: "other",
  refusal: "blocked",
};

function generateResponseOf(message: Message): GenerateResponseData {
  // Safety classifiers declined the request: no answer to give, whatever text came before the stop.
  if (message.stop_reason === "refusal") throw new UpstreamCallError({ kind: "blocked" });
  // An answer may start with a (summarized or omitted) thinking block: the answer is its text blocks.
  const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  const { input_tokens: inputTokens, output_tokens: outputTokens, output_tokens_details: details } = message.usage;
  // Anthropic counts thinking within `output_tokens`; Genkit, like Gemini, counts thoughts apart from output.
  const thinking = details?.thinking_tokens ?? 0;
  return {
    message: { role: "model", content: [{ text }] },
    finishReason: message.stop_reason ? finishReasonOf[message.stop_reason] : "unknown",
    usage: {
      inputTokens,
      outputTokens: outputTokens - thinking,
      totalTokens: inputTokens + outputTokens,
      ...(details ? { thoughtsTokens: thinking } : {}),
    },
  };
}

/**
 * What Anthropic answered becomes an UpstreamCallError carrying only its classification (never the SDK's
 * message, which holds Anthropic's text). A request that got no answer — cut by the caller, a connection
 * that failed or was refused a redirect — is rethrown as it is: the caller tells a cancellation from a
 * timeout itself.
 */
function upstreamErrorOf(error: unknown, call: Pick<ProviderCall, "abortSignal">): unknown {
  if (call.abortSignal.aborted) return error;
  if (error instanceof APIError && typeof error.status === "number") {
    // `instanceof` on the generic class types the fields as any: they are the response's parsed body and headers.
    return new UpstreamCallError(classifyAnthropicFailure(error.status, error.error, error.headers as Headers | undefined));
  }
  return error;
}
