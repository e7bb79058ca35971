/**
 * `POST /v1/messages` (non-streamed): what Anthropic refuses in a request body, and the Message it
 * answers — text or JSON of the requested schema, `stop_reason`, `usage`, a thinking block when the model
 * thinks, and the refusal a safety classifier gives.
 */

import { createHash, randomBytes } from "node:crypto";
import { sampleFromSchema, violateSchema, type JsonSchema } from "../gemini-stand-in/sample-from-schema";
import { createPhrasePicker } from "../gemini-stand-in/sample-text";
import { anthropicId } from "./error-bodies";
import type { ModelInfo } from "./model-catalogue";
import { followedSchema, schemaProblem } from "./output-schema";

/** The fields of a Messages request the stand-in reads. */
export interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
  stream?: unknown;
  thinking?: { type?: unknown } | null;
  output_config?: { format?: { type?: unknown; schema?: unknown } | null; effort?: unknown } | null;
}

/** Ways an answer can be spoiled on purpose, to exercise a flow's retry and failure paths. */
export type CorruptionKind = "malformed-json" | "schema-mismatch";

/**
 * Body fields of API version 2026-10-21 (`@anthropic-ai/sdk` 1.x's MessageCreateParams). Anything else —
 * `temperature`, `top_p`, `top_k` among them — is refused as an extra input.
 */
const knownFields = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "thinking",
  "output_config",
  "metadata",
  "stop_sequences",
  "stream",
  "tool_choice",
  "tools",
  "service_tier",
  "speed",
  "cache_control",
  "container",
  "diagnostics",
  "inference_geo",
]);

/** What Anthropic says of a body before it looks at the model, or undefined when it takes it. */
export function bodyProblem(body: MessagesBody): string | undefined {
  const extra = Object.keys(body).find((field) => !knownFields.has(field));
  if (extra) return `${extra}: Extra inputs are not permitted`;
  if (body.model === undefined) return "model: Field required";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return "max_tokens: Input should be a valid integer greater than or equal to 1";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  if (body.messages.length === 0) return "messages: at least one message is required";
  if (body.stream === true) return "stream: the stand-in answers non-streamed requests only";
  const format = body.output_config?.format;
  if (format) {
    if (format.type !== "json_schema") return "output_config.format.type: Input should be 'json_schema'";
    return schemaProblem(format.schema);
  }
  return undefined;
}

/** What Anthropic says of a body the named model cannot take, or undefined when it can. */
export function modelProblem(body: MessagesBody, model: ModelInfo): string | undefined {
  const maxTokens = body.max_tokens as number;
  if (model.max_tokens !== null && maxTokens > model.max_tokens) {
    return `max_tokens: ${maxTokens} > ${model.max_tokens}, which is the maximum allowed number of output tokens for ${model.id}`;
  }
  const thinkingType = body.thinking?.type;
  if (typeof thinkingType === "string") {
    const types = model.capabilities.thinking.types as unknown as Record<string, { supported: boolean } | undefined>;
    if (!types[thinkingType]?.supported) return `"thinking.type.${thinkingType}" is not supported for this model`;
  }
  const messages = body.messages as Array<{ role?: unknown }>;
  // Models with adaptive thinking refuse a prefilled answer (message text unconfirmed).
  if (model.capabilities.thinking.types.adaptive.supported && messages.at(-1)?.role === "assistant") {
    return "This model does not support assistant message prefill. The conversation must end with a user message.";
  }
  return undefined;
}

type TextBlock = { type?: unknown; text?: unknown };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return Array.isArray(content) ? (content as TextBlock[]).map((block) => (typeof block.text === "string" ? block.text : "")).join("") : "";
}

/** Roughly four characters a token. */
const tokensIn = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Tokens an adaptively thinking model spends before it answers (billed as output). */
const thinkingTokens = 120;

function seedOf(body: MessagesBody): number {
  return createHash("sha256").update(JSON.stringify(body)).digest().readUInt32BE(0);
}

/**
 * The answer's text: JSON of the requested schema (as a model reading its descriptions writes it) when
 * the request has `output_config.format`, a short piece of interview advice otherwise; spoiled as
 * `corruption` says when given.
 */
export function answerText(body: MessagesBody, corruption?: CorruptionKind): string {
  const seed = seedOf(body);
  const schema = body.output_config?.format?.schema as JsonSchema | undefined;
  if (schema === undefined) {
    const pickPhrase = createPhrasePicker(seed);
    return `${pickPhrase(["feedback"])} ${pickPhrase(["tip"])}`;
  }
  const followed = followedSchema(schema);
  const valid = sampleFromSchema(followed, seed);
  if (corruption === "schema-mismatch") return JSON.stringify(violateSchema(followed, valid));
  const text = JSON.stringify(valid);
  if (corruption === "malformed-json") return /[}\]]$/.test(text) ? `${text.slice(0, -1)} ...${text.slice(-1)}` : `[${text} ...]`;
  return text;
}

export type AnswerKind = "answer" | "truncated" | "refusal";

/** A Message as the Messages API answers it. */
export function messageResponse(body: MessagesBody, model: ModelInfo, kind: AnswerKind, corruption?: CorruptionKind): Record<string, unknown> {
  const prompt = textOf(body.system) + (body.messages as Array<{ content?: unknown }>).map((message) => textOf(message.content)).join("");
  const maxTokens = body.max_tokens as number;
  // Without `thinking: {type: "disabled"}`, a model with adaptive thinking thinks first (and bills it).
  const thinks = model.capabilities.thinking.types.adaptive.supported && body.thinking?.type !== "disabled";
  const thought = thinks ? Math.min(thinkingTokens, maxTokens) : 0;
  const content: Array<Record<string, unknown>> = thinks
    ? [{ type: "thinking", thinking: "", signature: randomBytes(48).toString("base64") }]
    : [];

  let text = kind === "refusal" ? "" : answerText(body, corruption);
  let stopReason = kind === "refusal" ? "refusal" : "end_turn";
  const room = (maxTokens - thought) * 4;
  if (kind === "truncated") {
    text = text.slice(0, Math.ceil(text.length / 2));
    stopReason = "max_tokens";
  } else if (text.length > room) {
    text = text.slice(0, Math.max(0, room));
    stopReason = "max_tokens";
  }
  if (text) content.push({ type: "text", text, citations: null });
  const outputTokens = thought + (text ? tokensIn(text) : 0);

  return {
    id: anthropicId("msg"),
    type: "message",
    role: "assistant",
    model: model.id,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details:
      kind === "refusal"
        ? { type: "refusal", category: "cyber", explanation: "This request was declined by a safety classifier." }
        : null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: tokensIn(prompt),
      output_tokens: outputTokens,
      output_tokens_details: { thinking_tokens: thought },
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      inference_geo: "global",
      server_tool_use: null,
      service_tier: "standard",
      speed: "standard",
    },
  };
}
