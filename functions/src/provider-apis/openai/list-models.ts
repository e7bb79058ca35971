import type { ListModels, ListedModel } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { listingFailureOf, notAList } from "../model-listing";
import { isRecord } from "../json-values";
import { classifyOpenAiFailure } from "./errors";

/**
 * OpenAI's models list says nothing of what a model can do (`id`, `created`, `owned_by`, and
 * `shutdown_date`), so the filter goes by id family: the GPT chat models that take
 * `response_format: json_schema` — GPT-4o from its 2024-08-06 snapshot, GPT-4.1, and GPT-5 and later —
 * without the variants that are not chat completions (audio, realtime, speech, transcription, search,
 * image, Codex, deep research, computer use). docs/providers.md, "Model lists", cites the sources.
 */
const structuredChatFamily = /^(gpt-4o|gpt-4\.1|gpt-(?:[5-9]|\d{2,}))(?:[-.]|$)/;
const notChatCompletions = /(audio|realtime|transcribe|tts|search|image|codex|deep-research|computer-use|instruct|oss)/;
/** The first GPT-4o snapshot predates json_schema response formats. */
const withoutJsonSchema = new Set(["gpt-4o-2024-05-13"]);

/**
 * `GET /v1/models` (one unpaged list), kept to the chat models that take a JSON schema and are not past
 * their `shutdown_date`. Labels are the ids: OpenAI gives no display names.
 */
export const listOpenAiModels: ListModels = async (apiKey, options) => {
  const answer = await requestKeyCheck(`${options.baseUrl}/v1/models`, { authorization: `Bearer ${apiKey}` }, options.timeoutMs);
  if (!answer) return { failure: "no_answer" };
  if (!answer.ok) return listingFailureOf(classifyOpenAiFailure(answer.status, answer.body, answer.headers));
  if (!isRecord(answer.body) || !Array.isArray(answer.body.data)) return notAList;
  const now = Date.now();
  return { models: answer.body.data.map((entry) => structuredChatModel(entry, now)).filter((model): model is ListedModel => model !== undefined) };
};

/** A `GET /v1/models` entry the flows can run on, as a listed model; undefined for every other. */
export function structuredChatModel(entry: unknown, now: number): ListedModel | undefined {
  if (!isRecord(entry) || typeof entry.id !== "string") return undefined;
  const { id } = entry;
  if (!structuredChatFamily.test(id) || notChatCompletions.test(id) || withoutJsonSchema.has(id)) return undefined;
  const shutdown = typeof entry.shutdown_date === "string" ? Date.parse(entry.shutdown_date) : Number.NaN;
  if (Number.isFinite(shutdown) && shutdown <= now) return undefined;
  return { id, label: id };
}
