/**
 * A loopback HTTP server speaking the part of the OpenRouter API this product uses, so tests and offline
 * runs can point OPENROUTER_API_BASE_URL (the origin; paths keep /api/v1/…) at it instead of OpenRouter:
 *
 *   GET  /api/v1/key                the key's description and credit (the key check)
 *   GET  /api/v1/models             models, with `supported_parameters` (filter: ?supported_parameters=a,b)
 *   POST /api/v1/chat/completions   OpenAI-compatible chat completions (not streamed)
 *
 * The key is read from `Authorization: Bearer …`. What each key gets is described in key-behaviour.ts;
 * the bodies are in catalogue-and-errors.ts. Each key starts with a limit of 10 credits, 2.5 used; every
 * answered completion costs `costPerCall` more, so the key endpoint reports what calls left.
 * The HTTP plumbing is dev/stand-in-http's.
 */

import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CorruptionKind } from "../gemini-stand-in/generate-content";
import { answerText, type ChatCompletionBody } from "../openai-stand-in/chat-completion";
import {
  bearerToken,
  delayAndHold,
  headerRecord,
  RequestLog,
  sendJson,
  startStandInServer,
  type RecordedRequestWithHeaders,
  type StandInOptions,
  type StandInServer,
} from "../stand-in-http/stand-in-http";
import { Corruption, KeyBehaviours, readRequest, recordRequest, standInControls, type StandInControls } from "../stand-in-http/stand-in-controls";
import { injectAnswerFault } from "../stand-in-http/answer-faults";
import { ModelBehaviours, type ModelMarkerOf } from "../stand-in-http/model-behaviour";
import {
  badRequestError,
  findModel,
  insufficientCreditsError,
  internalError,
  invalidKeyError,
  invalidModelError,
  listModels,
  missingKeyError,
  moderationError,
  noEndpointsError,
  noProviderError,
  notFoundError,
  modelGoneError,
  providerDownError,
  rateLimitError,
  timeoutError,
  type OpenRouterError,
} from "./catalogue-and-errors";
import { behaviourFromKey, outcomeApplies, type Endpoint, type KeyBehaviour, type Outcome } from "./key-behaviour";

export type { OpenRouterErrorBody } from "./catalogue-and-errors";
export { outcomeMarkers, slowMarker, type KeyBehaviour, type Outcome } from "./key-behaviour";
export type { ModelBehaviour } from "../stand-in-http/model-behaviour";

/**
 * Hex prefixes (OpenRouter's keys are hex) making the first model a key asks for busy (502, its provider
 * down) or retired (404 "No endpoints found for <model>.") from then on: the other stand-ins' `busymodel`
 * and `retiredmodel`.
 */
export const busyModelPrefix = "b0b0";
export const retiredModelPrefix = "d0d0";
const modelMarkerOf: ModelMarkerOf = (apiKey) => {
  const hex = apiKey.replace(/^sk-or-v1-/, "");
  return hex.startsWith(busyModelPrefix) ? "busy" : hex.startsWith(retiredModelPrefix) ? "retired" : undefined;
};

/** Reasoning tokens every answered completion reports (within `completion_tokens`, as OpenAI counts them). */
export const reasoningTokens = 16;

export type OpenRouterStandInOptions = StandInOptions;

/** One request as the stand-in received it, with every header. */
export type RecordedRequest = RecordedRequestWithHeaders;

/**
 * The controls (dev/stand-in-http/stand-in-controls.ts): `url` is OPENROUTER_API_BASE_URL; scripts and
 * corruption apply to chat completions; a busy model answers 502 (its provider down), a retired one 404
 * "No endpoints found for <model>."; `reset` also forgets the redirect target and every key's usage.
 */
export interface OpenRouterStandIn extends StandInControls<RecordedRequest, KeyBehaviour, Outcome, CorruptionKind> {
  /** Where the `redirect` outcome points (an origin; the request's path is kept). Default: this stand-in, under /elsewhere. */
  redirectTo(origin: string): void;
}

/** The limit every key starts with, the credit already used, and what each answered completion costs. */
export const startingCredit = { limit: 10, usage: 2.5 } as const;
export const costPerCall = 0.0125;

function matchRoute(method: string | undefined, path: string): Endpoint | undefined {
  if (path === "/api/v1/key" && method === "GET") return "key";
  if (path === "/api/v1/models" && method === "GET") return "models";
  if (path === "/api/v1/chat/completions" && method === "POST") return "chat";
  return undefined;
}

interface ChatBody extends ChatCompletionBody {
  provider?: { require_parameters?: unknown };
  max_tokens?: unknown;
}

/** Starts the stand-in; resolves once it is listening. */
export async function startOpenRouterStandIn(options: OpenRouterStandInOptions): Promise<OpenRouterStandIn> {
  const log = new RequestLog<RecordedRequest>();
  const keys = new KeyBehaviours<KeyBehaviour, Outcome>(behaviourFromKey, options.slowDelayMs);
  const modelBehaviours = new ModelBehaviours(modelMarkerOf);
  const corruption = new Corruption<CorruptionKind>();
  const usage = new Map<string, number>();
  let redirectOrigin: string | undefined;
  let requestCount = 0;

  const generationId = () => `gen-${createHash("sha256").update(`${Date.now()}:${++requestCount}`).digest("hex").slice(0, 24)}`;
  const sendError = (response: ServerResponse, error: OpenRouterError) => sendJson(response, error.httpStatus, error.body, error.headers);

  /** `GET /api/v1/key` for a key with `outcome`. */
  const keyDescription = (apiKey: string, outcome: Outcome) => {
    const used = usage.get(apiKey) ?? startingCredit.usage;
    const noLimit = outcome === "no-limit";
    const limit = noLimit ? null : outcome === "no-credit" ? used : startingCredit.limit;
    return {
      data: {
        label: `sk-or-v1-${apiKey.slice(9, 12)}...${apiKey.slice(-3)}`,
        limit,
        limit_remaining: limit === null ? null : Math.max(0, Math.round((limit - used) * 1e6) / 1e6),
        limit_reset: null,
        include_byok_in_limit: false,
        usage: used,
        usage_daily: used,
        usage_weekly: used,
        usage_monthly: used,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        is_free_tier: noLimit,
        is_management_key: outcome === "management-key",
        is_provisioning_key: outcome === "management-key",
        expires_at: outcome === "expired" ? new Date(Date.now() - 86_400_000).toISOString() : null,
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
      },
    };
  };

  const errorForOutcome = (outcome: Outcome, endpoint: Endpoint, body: ChatBody | undefined, model: string): OpenRouterError | undefined => {
    if (!outcomeApplies(outcome, endpoint)) return undefined;
    switch (outcome) {
      case "invalid-key":
      case "expired":
      case "management-key":
        return invalidKeyError();
      case "internal":
        return internalError();
      case "no-credit":
        return insufficientCreditsError();
      case "moderation":
        return moderationError(JSON.stringify(body?.messages ?? []), model);
      case "timeout":
        return timeoutError();
      case "rate-limited":
        return rateLimitError();
      case "provider-down":
        return providerDownError(model);
      case "no-provider":
        return noProviderError();
      default:
        return undefined;
    }
  };

  /** What the real API refuses of a chat completion's body, before any model runs. */
  const bodyProblem = (body: ChatBody): OpenRouterError | undefined => {
    if (typeof body.model !== "string") return badRequestError("No model provided");
    const model = findModel(body.model);
    if (!model) return invalidModelError(body.model);
    if (!Array.isArray(body.messages) || body.messages.length === 0) return badRequestError("Input required: specify \"prompt\" or \"messages\"");
    if (body.max_tokens !== undefined && !(Number.isInteger(body.max_tokens) && (body.max_tokens as number) > 0)) {
      return badRequestError("max_tokens must be a positive integer");
    }
    const format = body.response_format;
    if (format !== undefined && format.type !== "json_schema" && format.type !== "json_object" && format.type !== "text") {
      return badRequestError("response_format.type must be one of text, json_object, json_schema");
    }
    if (format?.type === "json_schema" && (typeof format.json_schema?.schema !== "object" || format.json_schema.schema === null)) {
      return badRequestError("response_format.json_schema.schema must be a JSON Schema object");
    }
    // With require_parameters, only endpoints that take every parameter sent may serve the request.
    if (body.provider?.require_parameters === true) {
      const sent = Object.keys(body).filter((name) => !["model", "messages", "provider", "stream", "usage"].includes(name));
      const needed = [...sent, ...(format?.type === "json_schema" ? ["structured_outputs"] : [])];
      if (!needed.every((name) => model.supported_parameters.includes(name))) return noEndpointsError();
    }
    return undefined;
  };

  const completion = (body: ChatBody, apiKey: string) => {
    // Without require_parameters a model lacking structured outputs may be served anyway: it ignores the schema.
    const model = findModel(String(body.model))!;
    const honoursSchema = model.supported_parameters.includes("structured_outputs");
    const text = honoursSchema ? answerText(body, corruption.take(apiKey)) : answerText({ ...body, response_format: undefined });
    const promptTokens = Math.max(1, Math.ceil(JSON.stringify(body.messages).length / 4));
    const completionTokens = Math.max(1, Math.ceil(text.length / 4)) + reasoningTokens;
    usage.set(apiKey, (usage.get(apiKey) ?? startingCredit.usage) + costPerCall);
    return {
      id: generationId(),
      provider: "OpenAI",
      model: model.id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      choices: [{ index: 0, logprobs: null, finish_reason: "stop", native_finish_reason: "stop", message: { role: "assistant", content: text, refusal: null, reasoning: null } }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        cost: costPerCall,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: reasoningTokens },
      },
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const read = await readRequest(request);
    const { url, parsedBody: parsed } = read;
    const endpoint = matchRoute(request.method, url.pathname);
    const apiKey = bearerToken(request.headers.authorization);
    const body = parsed?.ok && typeof parsed.value === "object" && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as ChatBody) : undefined;
    const model = endpoint === "chat" && typeof body?.model === "string" ? body.model : undefined;
    recordRequest(log, request, response, read, { model, apiKey }, { headers: headerRecord(request) });

    if (!endpoint) return sendError(response, notFoundError());
    // The models list is public; everything else needs a key.
    if (endpoint !== "models" && !apiKey) return sendError(response, missingKeyError());
    const behaviour: KeyBehaviour = apiKey ? keys.forRequest(apiKey, endpoint === "chat") : { outcome: "ok" };
    await delayAndHold(server, behaviour);

    if (behaviour.outcome === "redirect" && outcomeApplies("redirect", endpoint)) {
      injectAnswerFault(response, { kind: "redirect", location: redirectOrigin ?? `${server.url}/elsewhere` }, `${url.pathname}${url.search}`);
      return;
    }
    if (endpoint === "models") return sendJson(response, 200, listModels(url.searchParams.get("supported_parameters")));
    if (endpoint === "chat" && parsed && !parsed.ok) return sendError(response, badRequestError("Invalid JSON in request body"));
    if (endpoint === "chat" && !body) return sendError(response, badRequestError("Input required: specify \"prompt\" or \"messages\""));
    const error = errorForOutcome(behaviour.outcome, endpoint, body, typeof body?.model === "string" ? body.model : "openai/gpt-6-luna");
    if (error) return sendError(response, error);
    if (endpoint === "key") return sendJson(response, 200, keyDescription(apiKey!, behaviour.outcome));

    const modelBehaviour = typeof body?.model === "string" ? modelBehaviours.of(apiKey, body.model) : undefined;
    if (modelBehaviour === "busy") return sendError(response, providerDownError(String(body!.model)));
    if (modelBehaviour === "retired") return sendError(response, modelGoneError(String(body!.model)));
    const problem = bodyProblem(body!);
    if (problem) return sendError(response, problem);
    const answer = completion(body!, apiKey!);
    if (behaviour.outcome === "drop-mid-response") injectAnswerFault(response, { kind: "drop-mid-answer" }, url.pathname);
    sendJson(response, 200, answer);
  };

  const server: StandInServer = await startStandInServer(options, handle, (response, message) =>
    sendJson(response, 500, { error: { code: 500, message: `OpenRouter stand-in failed: ${message}` } }),
  );

  const controls = standInControls({ server, log, keys, models: modelBehaviours, corruption }, () => {
    usage.clear();
    redirectOrigin = undefined;
  });
  return Object.assign(controls, {
    redirectTo(origin: string) {
      redirectOrigin = origin.replace(/\/+$/, "");
    },
  });
}
