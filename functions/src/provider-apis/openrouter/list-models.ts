import type { ListModels, ListedModel } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { listingFailureOf, notAList, stringOr } from "../model-listing";
import { isRecord } from "../json-values";
import { classifyOpenRouterFailure } from "./errors";

/**
 * OpenRouter's catalogue filtered by the API itself: `GET /api/v1/models?supported_parameters=structured_outputs`
 * lists the models with at least one endpoint that takes a JSON schema (the flows send `response_format:
 * json_schema` with `provider.require_parameters`). The list is the same for every key; the key is sent
 * so that a refused key shows here as at its first use. Labels are OpenRouter's `name`.
 */
export const listOpenRouterModels: ListModels = async (apiKey, options) => {
  const answer = await requestKeyCheck(`${options.baseUrl}/api/v1/models?supported_parameters=structured_outputs`, { authorization: `Bearer ${apiKey}` }, options.timeoutMs);
  if (!answer) return { failure: "no_answer" };
  if (!answer.ok) return listingFailureOf(classifyOpenRouterFailure(answer.status, answer.body, answer.headers));
  if (!isRecord(answer.body) || !Array.isArray(answer.body.data)) return notAList;
  return { models: answer.body.data.map(structuredOutputModel).filter((model): model is ListedModel => model !== undefined) };
};

/** An entry of the filtered list, as a listed model (its `supported_parameters` checked again); undefined otherwise. */
export function structuredOutputModel(entry: unknown): ListedModel | undefined {
  if (!isRecord(entry) || typeof entry.id !== "string") return undefined;
  const supported = entry.supported_parameters;
  if (Array.isArray(supported) && !supported.includes("structured_outputs")) return undefined;
  return { id: entry.id, label: stringOr(entry.name, entry.id) };
}
