import type { ListModels, ListedModel } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { listingFailureOf, maxListPages, notAList, stringOr } from "../model-listing";
import { isRecord } from "../json-values";
import { anthropicCheckApiVersion } from "./check-key";
import { classifyAnthropicFailure } from "./errors";

/**
 * The Models API's list (`GET /v1/models?limit=1000`, paged by `after_id`; active and deprecated models,
 * retired ones are left out by default), kept to the models whose `capabilities.structured_outputs` is
 * supported (the flows send `output_config.format` with a JSON schema). An entry without `capabilities`
 * (an API version that does not describe them) is kept: every current model has structured outputs.
 * Labels are Anthropic's `display_name`.
 */
export const listAnthropicModels: ListModels = async (apiKey, options) => {
  const models: ListedModel[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < maxListPages; page++) {
    const query = new URLSearchParams({ limit: "1000", ...(afterId ? { after_id: afterId } : {}) });
    const answer = await requestKeyCheck(`${options.baseUrl}/v1/models?${query.toString()}`, { "x-api-key": apiKey, "anthropic-version": anthropicCheckApiVersion }, options.timeoutMs);
    if (!answer) return { failure: "no_answer" };
    if (!answer.ok) return listingFailureOf(classifyAnthropicFailure(answer.status, answer.body, answer.headers));
    if (!isRecord(answer.body) || !Array.isArray(answer.body.data)) return notAList;
    for (const entry of answer.body.data) {
      const model = structuredOutputModel(entry);
      if (model) models.push(model);
    }
    afterId = answer.body.has_more === true && typeof answer.body.last_id === "string" ? answer.body.last_id : undefined;
    if (!afterId) break;
  }
  return { models };
};

/** A Models API entry the flows can run on, as a listed model; undefined for every other. */
export function structuredOutputModel(entry: unknown): ListedModel | undefined {
  if (!isRecord(entry) || typeof entry.id !== "string" || entry.lifecycle === "retired") return undefined;
  const capabilities = entry.capabilities;
  if (isRecord(capabilities)) {
    const structured = capabilities.structured_outputs;
    if (!isRecord(structured) || structured.supported !== true) return undefined;
  }
  return { id: entry.id, label: stringOr(entry.display_name, entry.id) };
}
