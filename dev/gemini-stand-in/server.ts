/**
 * A loopback HTTP server speaking the part of the Generative Language REST API this product uses,
 * so tests and offline runs can point GEMINI_API_BASE_URL at it instead of Google:
 *
 *   GET  /{version}/models?pageSize=&pageToken=                 models.list
 *   GET  /{version}/models/{model}                               models.get (the key check: can this key use the model?)
 *   POST /{version}/models/{model}:generateContent               what Genkit's googleAI plugin calls
 *   POST /{version}/models/{model}:streamGenerateContent?alt=sse  … when the caller streams
 *
 * The key is read from the `x-goog-api-key` header (how the plugin and our key check send it),
 * else from `?key=`. What each key gets is described in key-behaviour.ts.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestLog, sendJson, startStandInServer, type RecordedHttpRequest, type StandInOptions, type StandInServer } from "../stand-in-http/stand-in-http";
import { Corruption, delayThenFault, KeyBehaviours, readRequest, recordRequest, standInControls, type StandInControls } from "../stand-in-http/stand-in-controls";
import { ModelBehaviours } from "../stand-in-http/model-behaviour";
import {
  accessTokenTypeUnsupportedError,
  consumerSuspendedError,
  expiredKeyError,
  internalError,
  invalidJsonPayloadError,
  invalidThinkingConfigError,
  invalidKeyError,
  invalidPageTokenError,
  missingKeyError,
  modelNotFoundError,
  overloadedError,
  highDemandError,
  pathNotFoundError,
  quotaExceededError,
  serviceBlockedError,
  type GoogleError,
} from "./error-bodies";
import {
  answerBlockedResponse,
  answerText,
  generateContentResponse,
  promptBlockedResponse,
  streamResponses,
  type CorruptionKind,
  type GenerateContentBody,
} from "./generate-content";
import { affectsModelsList, behaviourFromKey, type KeyBehaviour, type Outcome } from "./key-behaviour";
import { describeModel, listModelsPage, takesThinkingBudgetOnly } from "./model-catalogue";

export type { GoogleErrorBody } from "./error-bodies";
export type { CorruptionKind } from "./generate-content";
export { outcomeMarkers, slowMarker, type KeyBehaviour, type Outcome } from "./key-behaviour";
export { thoughtsTokenCount } from "./generate-content";
export { busyModelMarker, retiredModelMarker, type ModelBehaviour } from "../stand-in-http/model-behaviour";

export type GeminiStandInOptions = StandInOptions;

/** One request as the stand-in received it. */
export interface RecordedRequest extends RecordedHttpRequest {
  /**
   * When the request reached the stand-in (its headers, before the body was read) and when the answer was
   * sent, as `performance.now()` of this process: the bench, which runs the stand-in in its own process,
   * times a call's overhead before and after "Google" with them.
   */
  receivedAt: number;
  answeredAt?: number;
}

/**
 * The controls (dev/stand-in-http/stand-in-controls.ts): `url` is GEMINI_API_BASE_URL; scripts and
 * corruption apply to generate requests, streamed or not; a busy model answers 503 UNAVAILABLE "high
 * demand", a retired one 404 NOT_FOUND, as for a model Google does not serve.
 */
export type GeminiStandIn = StandInControls<RecordedRequest, KeyBehaviour, Outcome, CorruptionKind>;

type Route =
  | { kind: "list-models"; version: string }
  | { kind: "get-model"; version: string; model: string }
  | { kind: "generate"; version: string; model: string; streaming: boolean };

function matchRoute(method: string | undefined, path: string): Route | undefined {
  const list = /^\/(v1|v1beta|v1alpha)\/models$/.exec(path);
  if (list && method === "GET") return { kind: "list-models", version: list[1] };
  const get = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+)$/.exec(path);
  if (get && method === "GET") return { kind: "get-model", version: get[1], model: decodeURIComponent(get[2]) };
  const generate = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (generate && method === "POST") {
    return { kind: "generate", version: generate[1], model: decodeURIComponent(generate[2]), streaming: generate[3] === "streamGenerateContent" };
  }
  return undefined;
}

/** The gRPC method Google names in API_KEY_SERVICE_BLOCKED metadata. */
function methodNameOf(route: Route): string {
  const base = `google.ai.generativelanguage.${route.version}`;
  if (route.kind === "list-models") return `${base}.ModelService.ListModels`;
  if (route.kind === "get-model") return `${base}.ModelService.GetModel`;
  return `${base}.GenerativeService.${route.streaming ? "StreamGenerateContent" : "GenerateContent"}`;
}

/** The error answer an outcome stands for, or undefined when it answers with a 200. */
function errorForOutcome(outcome: Outcome, apiKey: string, route: Route): GoogleError | undefined {
  switch (outcome) {
    case "invalid-key":
    case "retired-key":
      return invalidKeyError();
    case "unsupported-key-type":
      return accessTokenTypeUnsupportedError(methodNameOf(route));
    case "model-denied":
      return route.kind === "list-models" ? undefined : modelNotFoundError(route.model, route.version, methodOf(route));
    case "expired-key":
      return expiredKeyError();
    case "service-blocked":
      return serviceBlockedError(apiKey, methodNameOf(route));
    case "suspended":
      return consumerSuspendedError(apiKey);
    case "quota":
    case "generation-quota":
      // Listing names no model; the violation then names the app's model, as in the reference body.
      return quotaExceededError(route.kind === "list-models" ? "gemini-flash-latest" : route.model);
    case "internal":
      return internalError();
    case "overloaded":
      return overloadedError();
    default:
      return undefined;
  }
}

/** The method Google names in a 404 for a model it does not serve. */
function methodOf(route: Exclude<Route, { kind: "list-models" }>): string {
  if (route.kind === "get-model") return "get";
  return route.streaming ? "streamGenerateContent" : "generateContent";
}

/**
 * What Google says of a generation config it refuses, or undefined when it takes it: Gemini 3 takes a
 * thinking level, 2.5 models a budget, and no model takes both in one request.
 */
function thinkingConfigProblem(model: string, body: GenerateContentBody): string | undefined {
  const thinking = (body as { generationConfig?: { thinkingConfig?: { thinkingLevel?: unknown; thinkingBudget?: unknown } } })
    .generationConfig?.thinkingConfig;
  if (!thinking) return undefined;
  if (thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined) {
    return "You cannot use both thinking_level and the legacy thinking_budget parameter in the same request.";
  }
  if (thinking.thinkingLevel !== undefined && takesThinkingBudgetOnly(model)) return "Thinking level is not supported for this model.";
  return undefined;
}

// Google pretty-prints its JSON with two spaces.
const sendGoogleJson = (response: ServerResponse, status: number, body: unknown): void =>
  sendJson(response, status, body, { "content-type": "application/json; charset=UTF-8" }, 2);

const sendError = (response: ServerResponse, error: GoogleError): void => sendGoogleJson(response, error.httpStatus, error.body);

/** Starts the stand-in; resolves once it is listening. */
export async function startGeminiStandIn(options: GeminiStandInOptions): Promise<GeminiStandIn> {
  const log = new RequestLog<RecordedRequest>();
  const keys = new KeyBehaviours<KeyBehaviour, Outcome>(behaviourFromKey, options.slowDelayMs);
  const modelBehaviours = new ModelBehaviours();
  const corruption = new Corruption<CorruptionKind>();

  const listModels = (response: ServerResponse, query: URLSearchParams) => {
    const page = listModelsPage(Number(query.get("pageSize") ?? "") || undefined, query.get("pageToken") ?? undefined);
    if (page) sendGoogleJson(response, 200, page);
    else sendError(response, invalidPageTokenError());
  };

  const generate = (
    response: ServerResponse,
    route: Extract<Route, { kind: "generate" }>,
    outcome: Outcome,
    body: GenerateContentBody,
    alt: string | null,
    apiKey: string,
  ) => {
    let answers: Record<string, unknown>[];
    if (outcome === "prompt-blocked") answers = [promptBlockedResponse(body, route.model)];
    else if (outcome === "answer-blocked") answers = [answerBlockedResponse(body, route.model)];
    else {
      const text = answerText(body, corruption.take(apiKey));
      answers = route.streaming ? streamResponses(body, route.model, text) : [generateContentResponse(body, route.model, text)];
    }
    if (!route.streaming) return sendGoogleJson(response, 200, answers[0]);
    if (alt !== "sse") return sendGoogleJson(response, 200, answers); // Google's default stream format is one JSON array.
    response.writeHead(200, { "content-type": "text/event-stream", "content-disposition": "attachment" });
    for (const answer of answers) response.write(`data: ${JSON.stringify(answer)}\r\n\r\n`);
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    const read = await readRequest(request);
    const { url, parsedBody } = read;
    const route = matchRoute(request.method, url.pathname);
    const headerKey = request.headers["x-goog-api-key"];
    const apiKey = (typeof headerKey === "string" && headerKey) || url.searchParams.get("key") || undefined;
    const model = route && route.kind !== "list-models" ? route.model : undefined;
    const record = recordRequest(log, request, response, read, { model, apiKey }, { receivedAt });
    response.once("finish", () => {
      record.answeredAt = performance.now();
    });

    if (!route) return sendError(response, pathNotFoundError(url.pathname));
    // Google authenticates before it looks at the model or the body.
    if (!apiKey) return sendError(response, missingKeyError());
    const behaviour = keys.forRequest(apiKey, route.kind === "generate");
    if (await delayThenFault(server, request, response, behaviour, apiKey, route.kind === "generate")) return;

    if (route.kind === "list-models") {
      const error = affectsModelsList(behaviour.outcome) ? errorForOutcome(behaviour.outcome, apiKey, route) : undefined;
      return error ? sendError(response, error) : listModels(response, url.searchParams);
    }
    // A model-denied key is refused every model; generation-only outcomes leave models.get alone.
    const error =
      route.kind === "get-model" && behaviour.outcome !== "model-denied" && !affectsModelsList(behaviour.outcome)
        ? undefined
        : errorForOutcome(behaviour.outcome, apiKey, route);
    if (error) return sendError(response, error);
    const modelBehaviour = route.kind === "generate" ? modelBehaviours.of(apiKey, route.model) : undefined;
    if (modelBehaviour === "busy") return sendError(response, highDemandError());
    const description = modelBehaviour === "retired" ? undefined : describeModel(route.model);
    if (!description) return sendError(response, modelNotFoundError(route.model, route.version, methodOf(route)));
    if (route.kind === "get-model") return sendGoogleJson(response, 200, description);
    if (!parsedBody?.ok || typeof parsedBody.value !== "object" || parsedBody.value === null) {
      return sendError(response, invalidJsonPayloadError());
    }
    const body = parsedBody.value as GenerateContentBody;
    const thinkingProblem = thinkingConfigProblem(route.model, body);
    if (thinkingProblem) return sendError(response, invalidThinkingConfigError(thinkingProblem));
    generate(response, route, behaviour.outcome, body, url.searchParams.get("alt"), apiKey);
  };

  // A bug in `handle` must be visible to whoever reads the failing test, so its text goes in the body.
  const server: StandInServer = await startStandInServer(options, handle, (response, message) =>
    sendGoogleJson(response, 500, { error: { code: 500, message: `Gemini stand-in failed: ${message}`, status: "INTERNAL" } }),
  );

  return standInControls({ server, log, keys, models: modelBehaviours, corruption });
}
