import type { GenerateRequest, GenerateResponseData, GenerationUsage } from "genkit/model";
import OpenAI, { APIError } from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import type { GenerateOnce, ProviderCall } from "../provider-api";
import { UpstreamCallError } from "../upstream-failure";
import { classifyOpenAiFailure } from "./errors";
import { answerTextFor, chatResponseFormat, toChatMessage } from "./chat-format";

/**
 * One Chat Completions request (`POST /v1/chat/completions`) with the caller's key, through the official
 * `openai` SDK rather than Genkit's `@genkit-ai/compat-oai` plugin, because that plugin (1.42, see
 * docs/openai-anthropic-api.md) takes a per-request key in `config.apiKey`, which Genkit writes into three
 * spans per call; throws away `error.type` / `error.code`, so a spent credit and a per-minute rate limit
 * look alike; drops `maxOutputTokens`; and, for GPT-5/6 models, pastes the schema into the prompt instead
 * of asking for native structured output. Here the key goes only into the SDK client of this one request,
 * the error's structured fields are classified, and the SDK's error (whose message can quote the key)
 * never leaves this function.
 */

/**
 * The SDK's own deadline, only a backstop: the caller's `abortSignal` carries each attempt's deadline
 * (25 s in the user-key model), so this never fires first.
 */
const sdkBackstopTimeoutMs = 5 * 60_000;

/**
 * Reasoning models (GPT-5 and later, the o-series) think before answering, billed as output tokens within
 * `max_completion_tokens`; by default at `medium` (gpt-6-luna too). `low` bounds that for questions and
 * feedback, as Gemini's thinking level LOW does, and is accepted by every GPT-5/6 model (`minimal` is
 * refused by gpt-5.1 and later, `none` by models before gpt-5.1). Such models accept a `temperature`
 * only with effort `none`, so none is sent to them. `*-chat-latest` models are not reasoning models.
 */
export function reasoningEffortFor(model: string): "low" | undefined {
  return /^(?:gpt-(?:[5-9]|\d{2,})|o\d)/.test(model) && !/chat-latest$/.test(model) ? "low" : undefined;
}

/** The Chat Completions body for a Genkit request (exported for tests). */
export function chatCompletionBody(request: GenerateRequest, call: Pick<ProviderCall, "model" | "maxOutputTokens">): ChatCompletionCreateParamsNonStreaming {
  const reasoningEffort = reasoningEffortFor(call.model);
  const temperature = (request.config as { temperature?: unknown } | undefined)?.temperature;
  return {
    model: call.model,
    // System instructions are `developer` messages for current models.
    messages: request.messages.map((message) => toChatMessage(message, "developer")),
    // GPT-5/6 refuse `max_tokens`; this bound includes reasoning tokens.
    max_completion_tokens: call.maxOutputTokens,
    ...(reasoningEffort ? { reasoning_effort: reasoningEffort } : typeof temperature === "number" ? { temperature } : {}),
    ...chatResponseFormat(request),
    // The user's interview answers are not kept by OpenAI for distillation or evals.
    store: false,
  };
}

/**
 * Sends one request with `call.apiKey` and returns the answer as Genkit's model data. Provider errors
 * become an UpstreamCallError with their classification only; a refusal or a content-filter stop is
 * `blocked`; a cut answer (`finish_reason: "length"`) is returned with finishReason "length". No answer
 * (a connection failure, the caller's abort, the backstop timeout) throws the SDK's error unchanged.
 */
export const generateOpenAiOnce: GenerateOnce = async (request, call) => {
  const client = new OpenAI({
    apiKey: call.apiKey,
    baseURL: `${call.baseUrl}/v1`,
    // Explicit, so nothing is read from the environment (OPENAI_ORG_ID, OPENAI_ADMIN_KEY, …): the request
    // carries the caller's key and nothing of the project's.
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    // A redirect would re-send the POST (the user's answers, the key's header) to another origin: refused,
    // as by the Anthropic adapter and every key check. Fetch then fails, and no answer is counted.
    fetchOptions: { redirect: "error" },
    timeout: sdkBackstopTimeoutMs,
    // The SDK's debug log would print request details; OPENAI_LOG cannot turn it on here.
    logLevel: "off",
  });
  const body = chatCompletionBody(request, call);

  let completion: ChatCompletion;
  try {
    completion = await client.chat.completions.create(body, { signal: call.abortSignal });
  } catch (error) {
    // An APIError with a status is an answer: keep its classification, drop the error (its message can
    // quote the key). Without a status (APIConnectionError, APIUserAbortError) no answer came.
    if (error instanceof APIError) {
      const answered = error as APIError<number | undefined, Headers | undefined, object | undefined>;
      if (typeof answered.status === "number") throw new UpstreamCallError(classifyOpenAiFailure(answered.status, { error: answered.error }, answered.headers));
    }
    throw error;
  }
  return toGenerateResponse(completion, request);
};

function toGenerateResponse(completion: ChatCompletion, request: GenerateRequest): GenerateResponseData {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (!choice) throw new UpstreamCallError({ kind: "unexpected" });
  if (choice.message?.refusal || choice.finish_reason === "content_filter") throw new UpstreamCallError({ kind: "blocked" });
  const content = choice.message?.content ?? "";
  return {
    message: { role: "model", content: [{ text: answerTextFor(request, content) }] },
    finishReason: choice.finish_reason === "stop" ? "stop" : choice.finish_reason === "length" ? "length" : "other",
    ...(completion.usage ? { usage: usageOf(completion.usage) } : {}),
  };
}

/** OpenAI counts reasoning within completion tokens; Genkit, like Gemini, counts thoughts apart from output. */
function usageOf(usage: NonNullable<ChatCompletion["usage"]>): GenerationUsage {
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens - reasoning,
    totalTokens: usage.total_tokens,
    ...(reasoning ? { thoughtsTokens: reasoning } : {}),
    ...(usage.prompt_tokens_details?.cached_tokens ? { cachedContentTokens: usage.prompt_tokens_details.cached_tokens } : {}),
  };
}
