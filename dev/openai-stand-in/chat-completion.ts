/**
 * `POST /v1/chat/completions` as the stand-in answers it: the request checks OpenAI makes that our
 * adapter could get wrong (parameters GPT-5/6 refuse, strict schemas), and answers shaped like OpenAI's
 * (`chat.completion` objects with usage, reasoning tokens within `max_completion_tokens`, refusals,
 * content-filter stops, answers cut at the token bound).
 */

import { createHash } from "node:crypto";
import type { CorruptionKind } from "../gemini-stand-in/generate-content";
import { sampleFromSchema, violateSchema, type JsonSchema } from "../gemini-stand-in/sample-from-schema";
import { createPhrasePicker } from "../gemini-stand-in/sample-text";
import {
  invalidSchemaError,
  jsonWordMissingError,
  missingParameterError,
  streamingNotImplementedError,
  unsupportedParameterError,
  unsupportedTemperatureError,
  type OpenAiError,
} from "./error-bodies";
import { isReasoningModel } from "./model-catalogue";

/** The fields of a chat completion request the stand-in reads; everything else is ignored. */
export interface ChatCompletionBody {
  model?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  temperature?: unknown;
  reasoning_effort?: unknown;
  stream?: unknown;
  response_format?: { type?: unknown; json_schema?: { name?: unknown; strict?: unknown; schema?: unknown } };
}

type SchemaObject = { [keyword: string]: unknown };
const isSchemaObject = (value: unknown): value is SchemaObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Keywords strict mode does not take (the openai SDK's own list, `openai/lib/transform`); sending one
 * is refused, as OpenAI refuses a schema it cannot enforce.
 */
const keywordsStrictRefuses = [
  "allOf", "not", "if", "then", "else", "oneOf", "prefixItems", "uniqueItems", "contains", "minContains", "maxContains",
  "patternProperties", "propertyNames", "minProperties", "maxProperties", "unevaluatedItems", "unevaluatedProperties",
  "dependentRequired", "dependentSchemas", "dependencies",
];

/** What OpenAI refuses in a request, or undefined when the stand-in answers it. Model existence is checked by the caller. */
export function requestProblem(body: ChatCompletionBody, model: string): OpenAiError | undefined {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return missingParameterError("messages");
  if (body.stream === true) return streamingNotImplementedError();
  if (isReasoningModel(model)) {
    if (body.max_tokens !== undefined) return unsupportedParameterError("max_tokens", "max_completion_tokens");
    // GPT-5.x take a temperature other than 1 only with reasoning effort "none" (assumed for GPT-6).
    if (body.temperature !== undefined && body.temperature !== 1 && body.reasoning_effort !== "none") return unsupportedTemperatureError(body.temperature);
  } else if (body.reasoning_effort !== undefined) {
    return unsupportedParameterError("reasoning_effort");
  }
  const format = body.response_format;
  if (format?.type === "json_object" && !JSON.stringify(body.messages).toLowerCase().includes("json")) return jsonWordMissingError();
  if (format?.type === "json_schema") {
    const name = typeof format.json_schema?.name === "string" ? format.json_schema.name : "";
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) return missingParameterError("response_format.json_schema.name");
    if (format.json_schema?.strict === true) return strictSchemaProblem(name, format.json_schema.schema);
  }
  return undefined;
}

/** Why strict mode refuses `schema`, in OpenAI's words, or undefined when it takes it. */
function strictSchemaProblem(name: string, schema: unknown): OpenAiError | undefined {
  if (!isSchemaObject(schema) || schema.type !== "object") {
    return invalidSchemaError(name, [], `schema must be a JSON Schema of 'type: "object"', got 'type: "${isSchemaObject(schema) ? String(schema.type) : typeof schema}"'.`);
  }
  const visit = (node: unknown, context: string[]): OpenAiError | undefined => {
    if (!isSchemaObject(node)) return undefined;
    const refused = keywordsStrictRefuses.find((keyword) => keyword in node);
    if (refused) return invalidSchemaError(name, context, `'${refused}' is not permitted.`);
    const types = typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? node.type : [];
    if (types.includes("object") || node.properties !== undefined) {
      if (node.additionalProperties !== false) return invalidSchemaError(name, context, "'additionalProperties' is required to be supplied and to be false.");
      const keys = Object.keys(isSchemaObject(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = keys.filter((key) => !required.includes(key));
      if (missing.length) {
        return invalidSchemaError(name, context, `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`);
      }
    }
    const children: Array<[unknown, string[]]> = [
      ...Object.entries(isSchemaObject(node.properties) ? node.properties : {}).map(([key, child]): [unknown, string[]] => [child, [...context, "properties", key]]),
      [node.items, [...context, "items"]],
      ...(Array.isArray(node.anyOf) ? node.anyOf : []).map((child, index): [unknown, string[]] => [child, [...context, "anyOf", String(index)]]),
      ...Object.entries(isSchemaObject(node.$defs) ? node.$defs : {}).map(([key, child]): [unknown, string[]] => [child, [...context, "$defs", key]]),
    ];
    for (const [child, childContext] of children) {
      const problem = visit(child, childContext);
      if (problem) return problem;
    }
    return undefined;
  };
  return visit(schema, []);
}

/** Same request, same seed: answers are deterministic. */
function seedOf(body: ChatCompletionBody): number {
  return createHash("sha256").update(JSON.stringify(body)).digest().readUInt32BE(0);
}

function messageText(message: unknown): string {
  const content = isSchemaObject(message) ? message.content : undefined;
  if (typeof content === "string") return content;
  return Array.isArray(content) ? content.map((part) => (isSchemaObject(part) && typeof part.text === "string" ? part.text : "")).join("") : "";
}

/** Roughly four characters a token, as OpenAI's tokenizers average for English. */
const tokensIn = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Reasoning tokens a reasoning model spends at each effort (default `medium`), billed within max_completion_tokens. */
const reasoningTokensByEffort: Record<string, number> = { none: 0, minimal: 32, low: 256, medium: 1024, high: 4096, xhigh: 8192, max: 16384 };

/**
 * The answer's text: JSON following the requested schema (strict or not) or JSON for `json_object`, else
 * a short piece of interview advice; spoiled as `corruption` says when given.
 */
export function answerText(body: ChatCompletionBody, corruption?: CorruptionKind): string {
  const seed = seedOf(body);
  const format = body.response_format;
  const schema = format?.type === "json_schema" ? (format.json_schema?.schema as JsonSchema | undefined) : undefined;
  if (format?.type !== "json_schema" && format?.type !== "json_object") {
    const pickPhrase = createPhrasePicker(seed);
    return `${pickPhrase(["feedback"])} ${pickPhrase(["tip"])}`;
  }
  const valid = schema === undefined ? { answer: createPhrasePicker(seed)(["answer"]) } : leaveOutEveryOtherNullable(sampleFromSchema(schema, seed), schema);
  if (corruption === "schema-mismatch") return JSON.stringify(violateSchema(schema ?? {}, valid));
  const text = JSON.stringify(valid);
  if (corruption === "malformed-json") return /[}\]]$/.test(text) ? `${text.slice(0, -1)} ...${text.slice(-1)}` : `[${text} ...]`;
  return text;
}

/**
 * A model answering a strict schema writes `null` for what it leaves out; here every other occurrence of
 * each nullable property is null (the first filled in), so both forms appear in one answer.
 */
function leaveOutEveryOtherNullable(value: unknown, schema: JsonSchema): unknown {
  const seen = new Map<string, number>();
  const acceptsNull = (node: unknown): boolean =>
    isSchemaObject(node) &&
    ((Array.isArray(node.type) && node.type.includes("null")) || (Array.isArray(node.anyOf) && node.anyOf.some((branch) => isSchemaObject(branch) && branch.type === "null")));
  const walk = (current: unknown, node: unknown): unknown => {
    if (!isSchemaObject(node)) return current;
    if (Array.isArray(current)) return current.map((item) => walk(item, node.items));
    if (!isSchemaObject(current) || !isSchemaObject(node.properties)) return current;
    const properties = node.properties;
    return Object.fromEntries(
      Object.entries(current).map(([key, child]) => {
        if (acceptsNull(properties[key])) {
          const count = seen.get(key) ?? 0;
          seen.set(key, count + 1);
          if (count % 2 === 1) return [key, null];
        }
        return [key, walk(child, properties[key])];
      }),
    );
  };
  return walk(value, schema);
}

/** What a completed request produced: its visible text (or a refusal / filter stop) within the token bound. */
export type AnswerKind = { kind: "text"; text: string } | { kind: "refusal" } | { kind: "content-filter" };

/** A `chat.completion` object as OpenAI sends it. */
export function chatCompletion(body: ChatCompletionBody, model: string, answer: AnswerKind): Record<string, unknown> {
  const hash = createHash("sha256").update(JSON.stringify(body)).digest();
  const promptTokens = tokensIn((Array.isArray(body.messages) ? body.messages : []).map(messageText).join("\n"));
  const reasoningTokens = isReasoningModel(model) ? (reasoningTokensByEffort[typeof body.reasoning_effort === "string" ? body.reasoning_effort : "medium"] ?? 1024) : 0;
  const bound = typeof body.max_completion_tokens === "number" ? body.max_completion_tokens : typeof body.max_tokens === "number" ? body.max_tokens : Infinity;

  let content: string | null = null;
  let refusal: string | null = null;
  let finishReason = "stop";
  let reasoning = Math.min(reasoningTokens, bound);
  let visibleTokens = 0;
  if (answer.kind === "refusal") {
    refusal = "I'm sorry, but I can't help with that request.";
    visibleTokens = tokensIn(refusal);
  } else if (answer.kind === "content-filter") {
    finishReason = "content_filter";
  } else {
    const room = bound - reasoning;
    if (tokensIn(answer.text) <= room) {
      content = answer.text;
    } else {
      // The bound includes reasoning: what is left of it is all the visible answer gets.
      content = answer.text.slice(0, Math.max(0, room) * 4);
      finishReason = "length";
      reasoning = Math.min(reasoning, bound);
    }
    visibleTokens = content === "" ? 0 : tokensIn(content);
  }
  const completionTokens = reasoning + visibleTokens;
  return {
    id: `chatcmpl-${hash.toString("base64url").replace(/[-_]/g, "").slice(0, 29)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal, annotations: [] }, logprobs: null, finish_reason: finishReason }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: null,
  };
}
