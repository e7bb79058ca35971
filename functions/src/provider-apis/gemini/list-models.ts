import type { ListModels, ListedModel } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { listingFailureOf, maxListPages, notAList, stringOr } from "../model-listing";
import { isRecord } from "../json-values";
import { classifyGeminiFailure } from "./errors";

/**
 * Models whose id names a kind of output the flows cannot use, though some of them list `generateContent`:
 * embeddings, images and video, speech, the Live API's audio models, and Gemma, which takes no response
 * schema. Gemini's own names carry the kind (docs/providers.md, "Model lists").
 */
const notForStructuredText = /(embedding|imagen|image|veo|tts|live|native-audio|audio|aqa|gemma|robotics|computer-use)/;

/**
 * Google's `models.list` (`GET /v1beta/models?pageSize=1000`, paged by `nextPageToken`), kept to the
 * models that answer `generateContent` (their `supportedGenerationMethods`) and produce text: the flows
 * ask for a JSON schema (`responseSchema`), which only those take. Labels are Google's `displayName`.
 */
export const listGeminiModels: ListModels = async (apiKey, options) => {
  const models: ListedModel[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < maxListPages; page++) {
    const query = new URLSearchParams({ pageSize: "1000", ...(pageToken ? { pageToken } : {}) });
    const answer = await requestKeyCheck(`${options.baseUrl}/v1beta/models?${query.toString()}`, { "x-goog-api-key": apiKey }, options.timeoutMs);
    if (!answer) return { failure: "no_answer" };
    if (!answer.ok) return listingFailureOf(classifyGeminiFailure(answer.status, answer.body));
    if (!isRecord(answer.body) || (answer.body.models !== undefined && !Array.isArray(answer.body.models))) return notAList;
    for (const entry of (answer.body.models as unknown[] | undefined) ?? []) {
      const model = structuredTextModel(entry);
      if (model) models.push(model);
    }
    pageToken = typeof answer.body.nextPageToken === "string" && answer.body.nextPageToken ? answer.body.nextPageToken : undefined;
    if (!pageToken) break;
  }
  return { models };
};

/** A `models.list` entry the flows can run on, as a listed model; undefined for every other. */
export function structuredTextModel(entry: unknown): ListedModel | undefined {
  if (!isRecord(entry) || typeof entry.name !== "string" || !entry.name.startsWith("models/")) return undefined;
  const id = entry.name.slice("models/".length);
  const methods = Array.isArray(entry.supportedGenerationMethods) ? entry.supportedGenerationMethods : [];
  if (!methods.includes("generateContent") || notForStructuredText.test(id)) return undefined;
  return { id, label: stringOr(entry.displayName, id) };
}
