import { GenkitError } from "genkit";
import type { ModelAction } from "genkit/model";
import { ai } from "../../ai/genkit";
import type { GenerateOnce } from "../provider-api";
import { UpstreamCallError, type UpstreamFailure } from "../upstream-failure";
import { classifyGeminiFailure } from "./errors";

/**
 * One request to Gemini through Genkit's googleAI plugin (the official plugin meets our guarantees here:
 * it takes a per-request key in `config.apiKey`, and the user-key model calls it with tracing suppressed,
 * so that config is in no span). The plugin keeps Google's parsed error body, which is classified here.
 */
export const generateGeminiOnce: GenerateOnce = async (request, call) => {
  const gemini = await geminiModel(call.model);
  if (!gemini) throw new UpstreamCallError({ kind: "unexpected" });
  // Only what today's models document: the output cap and the thinking level. No `temperature`, `topP` or
  // `topK`, whatever the request's config holds: the Gemini API deprecated them (changelog 2026-07-21) and
  // Google's guidance for Gemini 3 is to keep the default (docs/gemini-api.md). No `timeout` for the
  // plugin: the attempt's deadline is the caller's (its abort signal).
  const keyedRequest = {
    ...request,
    config: { maxOutputTokens: call.maxOutputTokens, thinkingConfig: thinkingConfigFor(call.model), apiKey: call.apiKey },
  };
  try {
    return await gemini(keyedRequest, { abortSignal: call.abortSignal });
  } catch (error) {
    if (call.abortSignal.aborted || !(error instanceof GenkitError)) throw error;
    throw new UpstreamCallError(classifyPluginError(error));
  }
};

/** The plugin's model action per model id, looked up in Genkit's registry once (the first lookup loads the plugin). */
const geminiModels = new Map<string, ModelAction>();
async function geminiModel(model: string): Promise<ModelAction | undefined> {
  const known = geminiModels.get(model);
  if (known) return known;
  const found = (await ai.registry.lookupAction(`/model/googleai/${model}`)) as ModelAction | undefined;
  if (found) geminiModels.set(model, found);
  return found;
}

/**
 * Gemini 3 models think by default, at their highest level, and the thinking is billed as output.
 * Structured questions and feedback need little of it. Gemini 3 takes a level; 2.5 models (still
 * selectable through GEMINI_MODEL) take a token budget instead, and Google refuses a request with both.
 */
export function thinkingConfigFor(model: string): { thinkingLevel: "LOW" } | { thinkingBudget: number } {
  return /^gemini-2\./.test(model) ? { thinkingBudget: 1_024 } : { thinkingLevel: "LOW" };
}

/** The HTTP status behind the GenkitError statuses the plugin assigns (it maps 401/403/404 to UNKNOWN). */
const httpStatusOfGenkitStatus: Partial<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/**
 * Classifies the GenkitError the googleAI plugin threw for an HTTP failure: it keeps Google's parsed body
 * in `detail` (read structurally, never its text). "No candidates" (the prompt itself was blocked) is the
 * plugin's FAILED_PRECONDITION without a body. (A fetch that failed or was aborted is a plain Error,
 * whose cause the plugin reduces to text: the caller counts it as no answer.)
 */
export function classifyPluginError(error: GenkitError): UpstreamFailure {
  const body = error.detail as { error?: { code?: unknown } } | undefined;
  if (body && typeof body === "object" && body.error && typeof body.error === "object") {
    const code = typeof body.error.code === "number" ? body.error.code : httpStatusOfGenkitStatus[error.status];
    return classifyGeminiFailure(code, body);
  }
  if (error.status === "FAILED_PRECONDITION") return { kind: "blocked" };
  return classifyGeminiFailure(httpStatusOfGenkitStatus[error.status], undefined);
}
