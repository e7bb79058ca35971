import type { GenerateRequest, GenerateResponseData, GenerationUsage } from "genkit/model";
import type { GenerateOnce, ProviderCall } from "../provider-api";
import { answerTextFor, chatResponseFormat, toChatMessage } from "../openai/chat-format";
import { UpstreamCallError } from "../upstream-failure";
import { classifyOpenRouterFailure } from "./errors";
import { isRecord } from "../json-values";

/**
 * One OpenRouter chat completion (`POST /api/v1/chat/completions`) with the caller's key, by plain
 * `fetch`: no SDK (docs/openrouter-api.md §5 says why: the openai SDK and @openrouter/sdk each bring
 * retry paths and a redirect policy of their own to switch off and keep off; a single POST needs none of
 * that). So: the key travels only in the `Authorization` header; nothing is retried here, whatever
 * happens (a dropped connection included: the request may have been billed); redirects are refused, not
 * followed; OpenRouter's structured error fields are classified (errors.ts) and nothing else of the
 * answer leaves this function.
 */

/** The body of a chat completion for a Genkit request (exported for tests). */
export function openRouterChatBody(request: GenerateRequest, call: Pick<ProviderCall, "model" | "maxOutputTokens">): Record<string, unknown> {
  return {
    model: call.model,
    messages: request.messages.map((message) => toChatMessage(message, "system")),
    max_tokens: call.maxOutputTokens,
    ...chatResponseFormat(request),
    // Only endpoints that honour every parameter sent (the schema above included) may serve the request:
    // otherwise OpenRouter may route to one that ignores `response_format`. No temperature is sent, as
    // it would narrow the endpoints to those that take one; the model's default applies.
    provider: { require_parameters: true },
  };
}

/** The request's headers: the key, and the app's attribution when configured. */
function headersFor(call: ProviderCall): Record<string, string> {
  return {
    authorization: `Bearer ${call.apiKey}`,
    "content-type": "application/json",
    accept: "application/json",
    ...(call.attribution?.url ? { "http-referer": call.attribution.url } : {}),
    ...(call.attribution?.title ? { "x-openrouter-title": call.attribution.title } : {}),
  };
}

/**
 * Sends one request and returns the answer as Genkit's model data. An error answer becomes an
 * UpstreamCallError with its classification only; so does an error reported inside a 200 answer (the
 * model failed while answering). A moderation refusal (403) or a `content_filter` stop is `blocked`. No
 * answer — a connection failure, a connection dropped mid-answer, a redirect, the caller's abort — throws
 * fetch's own error unchanged, and the caller treats it as no answer: never retried.
 */
export const generateOpenRouterOnce: GenerateOnce = async (request, call) => {
  const response = await fetch(`${call.baseUrl}/api/v1/chat/completions`, {
    method: "POST",
    headers: headersFor(call),
    body: JSON.stringify(openRouterChatBody(request, call)),
    redirect: "error",
    signal: call.abortSignal,
  });
  // A connection dropped while the body arrives rejects here: no answer, not retried.
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) throw new UpstreamCallError(classifyOpenRouterFailure(response.status, body, response.headers));
  return toGenerateResponse(body, request);
};


function toGenerateResponse(body: unknown, request: GenerateRequest): GenerateResponseData {
  if (!isRecord(body)) throw new UpstreamCallError({ kind: "unexpected" });
  if (isRecord(body.error)) throw new UpstreamCallError(classifyOpenRouterFailure(undefined, body));
  const choice: unknown = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isRecord(choice)) throw new UpstreamCallError({ kind: "unexpected" });
  if (isRecord(choice.error)) throw new UpstreamCallError(classifyOpenRouterFailure(undefined, { error: choice.error }));
  const message = isRecord(choice.message) ? choice.message : {};
  if (message.refusal || choice.finish_reason === "content_filter") throw new UpstreamCallError({ kind: "blocked" });
  const content = typeof message.content === "string" ? message.content : "";
  const usage = isRecord(body.usage) ? usageOf(body.usage) : undefined;
  return {
    message: { role: "model", content: [{ text: answerTextFor(request, content) }] },
    finishReason: choice.finish_reason === "stop" ? "stop" : choice.finish_reason === "length" ? "length" : "other",
    ...(usage ? { usage } : {}),
  };
}

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** OpenRouter's usage: tokens as OpenAI counts them, reasoning within completion tokens. */
function usageOf(usage: Record<string, unknown>): GenerationUsage {
  const details = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const reasoning = count(details.reasoning_tokens) ?? 0;
  const completion = count(usage.completion_tokens);
  const cost = count(usage.cost);
  return {
    ...(count(usage.prompt_tokens) !== undefined ? { inputTokens: count(usage.prompt_tokens) } : {}),
    ...(completion !== undefined ? { outputTokens: completion - reasoning } : {}),
    ...(count(usage.total_tokens) !== undefined ? { totalTokens: count(usage.total_tokens) } : {}),
    ...(reasoning ? { thoughtsTokens: reasoning } : {}),
    // What OpenRouter charged for the request, in its credits (US dollars): the actual cost, not an estimate.
    ...(cost !== undefined ? { custom: { cost } } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
