/**
 * A loopback HTTP server speaking the part of Anthropic's API this product uses, so tests and offline
 * runs can point ANTHROPIC_API_BASE_URL at it instead of Anthropic:
 *
 *   GET  /v1/models?limit=&after_id=&before_id=&lifecycle=   models.list
 *   GET  /v1/models/{model}                                   models.retrieve (the key check: can this key use the model?)
 *   POST /v1/messages                                         what the adapter's SDK calls (non-streamed)
 *
 * The key is read from `x-api-key` (how the key check and Anthropic's docs send it) or from
 * `Authorization: Bearer` (how `@anthropic-ai/sdk` 1.x sends an API key). Every request must name an
 * `anthropic-version`. What each key gets is described in key-behaviour.ts.
 */

import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ModelBehaviours } from "../stand-in-http/model-behaviour";
import {
  anthropicId,
  apiError,
  billingError,
  creditTooLowError,
  invalidKeyError,
  invalidRequestError,
  missingKeyError,
  modelNotFoundError,
  oauthNotSupportedError,
  organizationOnHoldError,
  overloadedError,
  pathNotFoundError,
  permissionError,
  rateLimitError,
  spendLimitError,
  timeoutError,
  usageLimitError,
  type AnthropicError,
} from "./error-bodies";
import {
  headerRecord,
  parseJson,
  RequestLog,
  sendJson,
  startStandInServer,
  type RecordedRequestWithHeaders,
  type StandInOptions,
  type StandInServer,
} from "../stand-in-http/stand-in-http";
import { Corruption, delayThenFault, KeyBehaviours, readRequest, recordRequest, standInControls, type StandInControls } from "../stand-in-http/stand-in-controls";
import { affectsModelsList, behaviourFromKey, type KeyBehaviour, type Outcome } from "./key-behaviour";
import { bodyProblem, messageResponse, modelProblem, type CorruptionKind, type MessagesBody } from "./messages";
import { describeModel, listModelsPage, servedModel, type Lifecycle } from "./model-catalogue";

export type { AnthropicErrorBody } from "./error-bodies";
export { rateLimitRetryAfterSeconds } from "./error-bodies";
export type { CorruptionKind } from "./messages";
export { outcomeMarkers, slowMarker, type KeyBehaviour, type Outcome } from "./key-behaviour";
export { busyModelMarker, retiredModelMarker, type ModelBehaviour } from "../stand-in-http/model-behaviour";

export type AnthropicStandInOptions = StandInOptions;

/** One request as the stand-in received it, with every header. */
export type RecordedRequest = RecordedRequestWithHeaders;

/**
 * The controls (dev/stand-in-http/stand-in-controls.ts): `url` is ANTHROPIC_API_BASE_URL; scripts and
 * corruption apply to messages requests; a busy model answers 529 `overloaded_error`, a retired one 404
 * `not_found_error` "model: <id>".
 */
export type AnthropicStandIn = StandInControls<RecordedRequest, KeyBehaviour, Outcome, CorruptionKind>;

type Route = { kind: "list-models" } | { kind: "get-model"; model: string } | { kind: "messages" };

function matchRoute(method: string | undefined, path: string): Route | undefined {
  if (path === "/v1/models" && method === "GET") return { kind: "list-models" };
  const get = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (get && method === "GET") return { kind: "get-model", model: decodeURIComponent(get[1]) };
  if (path === "/v1/messages" && method === "POST") return { kind: "messages" };
  return undefined;
}

/** The error answer an outcome stands for on `route`, or undefined when it answers normally there. */
function errorForOutcome(behaviour: KeyBehaviour, route: Route, model: string | undefined): AnthropicError | undefined {
  const { outcome } = behaviour;
  if (outcome === "model-denied") return route.kind === "list-models" ? undefined : modelNotFoundError(model ?? "");
  if (route.kind !== "messages" && !affectsModelsList(behaviour)) return undefined;
  switch (outcome) {
    case "invalid-key":
      return invalidKeyError();
    case "oauth-token":
      return oauthNotSupportedError();
    case "organization-on-hold":
      return organizationOnHoldError();
    case "permission-denied":
      return permissionError();
    case "credit-too-low":
      return creditTooLowError();
    case "usage-limit":
      return usageLimitError();
    case "billing":
      return billingError();
    case "spend-limit":
      return spendLimitError();
    case "rate-limited":
      return rateLimitError();
    case "server-error":
      return apiError();
    case "overloaded":
      return overloadedError();
    case "timeout-error":
      return timeoutError();
    default:
      return undefined;
  }
}

/** A stable, made-up organization id for a key, as Anthropic names the key's organization in a header. */
function organizationIdOf(apiKey: string | undefined): string {
  const hex = createHash("sha256").update(apiKey ?? "").digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value ? value : undefined;
}

/** The key a request carries: `x-api-key`, else a bearer token. */
function apiKeyOf(request: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(headerValue(request, "authorization") ?? "");
  return headerValue(request, "x-api-key") ?? bearer?.[1];
}

/** Starts the stand-in; resolves once it is listening. */
export async function startAnthropicStandIn(options: AnthropicStandInOptions): Promise<AnthropicStandIn> {
  const log = new RequestLog<RecordedRequest>();
  const keys = new KeyBehaviours<KeyBehaviour, Outcome>(behaviourFromKey, options.slowDelayMs);
  const modelBehaviours = new ModelBehaviours();
  const corruption = new Corruption<CorruptionKind>();

  const send = (response: ServerResponse, status: number, body: unknown, apiKey: string | undefined, headers: Record<string, string> = {}) => {
    const requestId = (body as { request_id?: unknown } | undefined)?.request_id;
    sendJson(response, status, body, {
      "request-id": typeof requestId === "string" ? requestId : anthropicId("req"),
      ...(apiKey ? { "anthropic-organization-id": organizationIdOf(apiKey) } : {}),
      ...headers,
    });
  };
  const sendError = (response: ServerResponse, error: AnthropicError, apiKey: string | undefined) =>
    send(response, error.httpStatus, error.body, apiKey, error.headers);

  const listModels = (response: ServerResponse, query: URLSearchParams, apiKey: string) => {
    const lifecycles = query
      .getAll("lifecycle")
      .concat(query.getAll("lifecycle[]"))
      .flatMap((value) => value.split(","))
      .filter((value): value is Lifecycle => ["active", "deprecated", "retired"].includes(value));
    const page = listModelsPage({
      limit: Number(query.get("limit") ?? "") || undefined,
      afterId: query.get("after_id") ?? undefined,
      beforeId: query.get("before_id") ?? undefined,
      ...(lifecycles.length ? { lifecycles } : {}),
    });
    if (page) send(response, 200, page, apiKey);
    else sendError(response, invalidRequestError("Invalid pagination cursor: after_id or before_id names no model in this list."), apiKey);
  };

  const messages = (response: ServerResponse, rawBody: string, outcome: Outcome, apiKey: string) => {
    const parsed = rawBody ? parseJson(rawBody) : { ok: false as const };
    if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
      return sendError(response, invalidRequestError("There was an issue with the JSON body of your request: it is not a JSON object."), apiKey);
    }
    const body = parsed.value as MessagesBody;
    const problem = bodyProblem(body);
    if (problem) return sendError(response, invalidRequestError(problem), apiKey);
    const modelBehaviour = modelBehaviours.of(apiKey, String(body.model));
    if (modelBehaviour === "busy") return sendError(response, overloadedError(), apiKey);
    const model = modelBehaviour === "retired" ? undefined : servedModel(String(body.model));
    if (!model) return sendError(response, modelNotFoundError(String(body.model)), apiKey);
    const modelIssue = modelProblem(body, model);
    if (modelIssue) return sendError(response, invalidRequestError(modelIssue), apiKey);
    const kind = outcome === "refusal" ? "refusal" : outcome === "truncated" ? "truncated" : "answer";
    send(response, 200, messageResponse(body, model, kind, kind === "answer" ? corruption.take(apiKey) : undefined), apiKey);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const read = await readRequest(request);
    const { url, rawBody, parsedBody } = read;
    const route = matchRoute(request.method, url.pathname);
    const apiKey = apiKeyOf(request);
    const bodyModel = parsedBody?.ok ? (parsedBody.value as { model?: unknown } | null)?.model : undefined;
    const model = route?.kind === "get-model" ? route.model : route?.kind === "messages" && typeof bodyModel === "string" ? bodyModel : undefined;
    recordRequest(log, request, response, read, { model, apiKey }, { headers: headerRecord(request) });

    if (!route) return sendError(response, pathNotFoundError(), apiKey);
    // Anthropic authenticates before it looks at the version, the model or the body.
    if (!apiKey) return sendError(response, missingKeyError(), undefined);
    const behaviour = keys.forRequest(apiKey, route.kind === "messages");
    if (await delayThenFault(server, request, response, behaviour, apiKey, route.kind === "messages")) return;

    const error = errorForOutcome(behaviour, route, model);
    if (error) return sendError(response, error, apiKey);
    if (!headerValue(request, "anthropic-version")) return sendError(response, invalidRequestError("anthropic-version: header is required"), apiKey);
    if (route.kind === "list-models") return listModels(response, url.searchParams, apiKey);
    if (route.kind === "get-model") {
      const description = describeModel(route.model);
      return description ? send(response, 200, description, apiKey) : sendError(response, modelNotFoundError(route.model), apiKey);
    }
    messages(response, rawBody, behaviour.outcome, apiKey);
  };

  // A bug in `handle` must be visible to whoever reads the failing test, so its text goes in the body.
  const server: StandInServer = await startStandInServer(options, handle, (response, message) =>
    send(response, 500, { type: "error", error: { type: "api_error", message: `Anthropic stand-in failed: ${message}` }, request_id: anthropicId("req") }, undefined),
  );

  return standInControls({ server, log, keys, models: modelBehaviours, corruption });
}
