/**
 * A loopback HTTP server speaking the part of the OpenAI REST API this product uses, so tests and
 * offline runs can point OPENAI_API_BASE_URL at it instead of OpenAI:
 *
 *   GET  /v1/models               models list
 *   GET  /v1/models/{model}       model retrieve (the key check: can this key see the model?)
 *   POST /v1/chat/completions     what the adapter's openai SDK calls (not streamed)
 *
 * The key is read from `Authorization: Bearer …`, as OpenAI reads it. What each key gets is described
 * in key-behaviour.ts; the error bodies and headers are in error-bodies.ts.
 */

import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ModelBehaviours } from "../stand-in-http/model-behaviour";
import { answerText, chatCompletion, requestProblem, type AnswerKind, type ChatCompletionBody } from "./chat-completion";
import {
  accountDeactivatedError,
  creditBalanceExhaustedError,
  insufficientQuotaError,
  invalidKeyError,
  invalidUrlError,
  missingKeyError,
  missingParameterError,
  missingScopeError,
  modelNotFoundError,
  overloadedError,
  rateLimitError,
  serverError,
  unparseableBodyError,
  type OpenAiError,
} from "./error-bodies";
import { behaviourFromKey, outcomeApplies, type Endpoint, type KeyBehaviour, type Outcome } from "./key-behaviour";
import { describeModel, listModels } from "./model-catalogue";
import type { CorruptionKind } from "../gemini-stand-in/generate-content";
import {
  bearerToken,
  headerRecord,
  RequestLog,
  sendJson,
  startStandInServer,
  type RecordedRequestWithHeaders,
  type StandInOptions,
  type StandInServer,
} from "../stand-in-http/stand-in-http";
import { Corruption, delayThenFault, KeyBehaviours, readRequest, recordRequest, standInControls, type StandInControls } from "../stand-in-http/stand-in-controls";

export type { OpenAiErrorBody } from "./error-bodies";
export type { CorruptionKind } from "../gemini-stand-in/generate-content";
export { maskedKey } from "./error-bodies";
export { outcomeMarkers, slowMarker, type KeyBehaviour, type Outcome } from "./key-behaviour";
export { busyModelMarker, retiredModelMarker, type ModelBehaviour } from "../stand-in-http/model-behaviour";

export type OpenAiStandInOptions = StandInOptions;

/** One request as the stand-in received it, with every header. */
export type RecordedRequest = RecordedRequestWithHeaders;

/**
 * The controls (dev/stand-in-http/stand-in-controls.ts): `url` is OPENAI_API_BASE_URL; scripts apply to chat
 * completions; a busy model answers 503 `server_is_overloaded`, a retired one 404 `model_not_found`.
 */
export type OpenAiStandIn = StandInControls<RecordedRequest, KeyBehaviour, Outcome, CorruptionKind>;

type Route = { kind: "list-models" } | { kind: "get-model"; model: string } | { kind: "chat" };

function matchRoute(method: string | undefined, path: string): Route | undefined {
  if (path === "/v1/models" && method === "GET") return { kind: "list-models" };
  const get = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (get && method === "GET") return { kind: "get-model", model: decodeURIComponent(get[1]) };
  if (path === "/v1/chat/completions" && method === "POST") return { kind: "chat" };
  return undefined;
}

/** A stable, made-up organization id for a key, as OpenAI names the key's organization in rate-limit messages. */
function organizationOf(apiKey: string): string {
  return `org-${createHash("sha256").update(apiKey).digest("base64url").replace(/[-_]/g, "").slice(0, 24)}`;
}

/** The error an outcome stands for on `endpoint`, or undefined when it answers normally there. */
function errorForOutcome(outcome: Outcome, endpoint: Endpoint, apiKey: string, model: string): OpenAiError | undefined {
  if (!outcomeApplies(outcome, endpoint)) return undefined;
  switch (outcome) {
    case "invalid-key":
      return invalidKeyError(apiKey);
    case "deactivated":
      return accountDeactivatedError();
    case "no-scope":
      return endpoint === "chat" ? missingScopeError(401, "model.request") : missingScopeError(403, "api.model.read");
    case "no-model-read":
      return missingScopeError(403, "api.model.read");
    case "model-denied":
      return modelNotFoundError(model);
    case "credit-exhausted":
      return creditBalanceExhaustedError();
    case "quota":
      return insufficientQuotaError();
    case "rate-limited":
      return rateLimitError({ limit: endpoint === "chat" ? "tokens" : "requests", model, organization: organizationOf(apiKey), retryAfterSeconds: 2 });
    case "internal":
      return serverError();
    case "overloaded":
      return overloadedError();
    default:
      return undefined;
  }
}

/** Starts the stand-in; resolves once it is listening. */
export async function startOpenAiStandIn(options: OpenAiStandInOptions): Promise<OpenAiStandIn> {
  const log = new RequestLog<RecordedRequest>();
  const keys = new KeyBehaviours<KeyBehaviour, Outcome>(behaviourFromKey, options.slowDelayMs);
  const modelBehaviours = new ModelBehaviours();
  const corruption = new Corruption<CorruptionKind>();
  let requestCount = 0;

  /** Headers OpenAI sends with every answer. */
  const commonHeaders = (started: number): Record<string, string> => ({
    "content-type": "application/json",
    "openai-version": "2020-10-01",
    "openai-processing-ms": String(Math.max(1, Date.now() - started)),
    "x-request-id": `req_${createHash("sha256").update(`${started}:${++requestCount}`).digest("hex").slice(0, 32)}`,
  });

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => sendJson(response, status, body, headers, 2);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const started = Date.now();
    const read = await readRequest(request);
    const { url, parsedBody } = read;
    const route = matchRoute(request.method, url.pathname);
    const apiKey = bearerToken(request.headers.authorization);
    const body = parsedBody?.ok && typeof parsedBody.value === "object" && parsedBody.value !== null ? (parsedBody.value as ChatCompletionBody) : undefined;
    const model = route?.kind === "get-model" ? route.model : route?.kind === "chat" && typeof body?.model === "string" ? body.model : undefined;
    recordRequest(log, request, response, read, { model, apiKey }, { headers: headerRecord(request) });
    const sendError = (error: OpenAiError) => send(response, error.httpStatus, error.body, { ...commonHeaders(started), ...error.headers });

    if (!route) return sendError(invalidUrlError(request.method ?? "GET", url.pathname));
    // OpenAI authenticates before it reads the body or looks at the model.
    if (!apiKey) return sendError(missingKeyError());
    const behaviour = keys.forRequest(apiKey, route.kind === "chat");
    if (await delayThenFault(server, request, response, behaviour, apiKey, route.kind === "chat")) return;

    if (route.kind === "chat" && parsedBody && !parsedBody.ok) return sendError(unparseableBodyError());
    if (route.kind === "chat" && typeof body?.model !== "string") return sendError(missingParameterError("model"));
    const error = errorForOutcome(behaviour.outcome, route.kind, apiKey, model ?? "gpt-6-luna");
    if (error) return sendError(error);

    if (route.kind === "list-models") return send(response, 200, listModels(), commonHeaders(started));
    const modelBehaviour = route.kind === "chat" ? modelBehaviours.of(apiKey, model!) : undefined;
    if (modelBehaviour === "busy") return sendError(overloadedError());
    const description = modelBehaviour === "retired" ? undefined : describeModel(model!);
    if (!description) return sendError(modelNotFoundError(model!));
    if (route.kind === "get-model") return send(response, 200, description, commonHeaders(started));

    const problem = requestProblem(body!, model!);
    if (problem) return sendError(problem);
    const answer: AnswerKind =
      behaviour.outcome === "refusal"
        ? { kind: "refusal" }
        : behaviour.outcome === "content-filter"
          ? { kind: "content-filter" }
          : { kind: "text", text: answerText(body!, corruption.take(apiKey)) };
    send(response, 200, chatCompletion(body!, model!, answer), {
      ...commonHeaders(started),
      "openai-organization": organizationOf(apiKey).replace(/^org-/, "user-").toLowerCase(),
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-limit-tokens": "200000",
      "x-ratelimit-remaining-requests": "499",
      "x-ratelimit-remaining-tokens": "199000",
      "x-ratelimit-reset-requests": "120ms",
      "x-ratelimit-reset-tokens": "300ms",
    });
  };

  // A bug in `handle` must be visible to whoever reads the failing test, so its text goes in the body.
  const server: StandInServer = await startStandInServer(options, handle, (response, message) =>
    send(response, 500, { error: { message: `OpenAI stand-in failed: ${message}`, type: "server_error", param: null, code: null } }, { "content-type": "application/json" }),
  );

  return standInControls({ server, log, keys, models: modelBehaviours, corruption });
}
