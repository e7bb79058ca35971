/**
 * The models the stand-in serves, as Google's catalogue stood in November 2026 (docs/gemini-api.md):
 * current Gemini 3 models, the one 2.5 model still served, and the maintained `-latest` aliases.
 * Every other model — the shut-down 1.5, 2.0 and 2.5 Flash/Pro among them — answers 404 NOT_FOUND,
 * as Google's does, so a product that names a retired model fails here as it would in production.
 */

/** One entry of `models.list` / `models.get`, with the fields Google returns for Gemini models. */
export interface ModelDescription {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature: number;
  topP: number;
  topK: number;
  maxTemperature: number;
  thinking?: boolean;
}

const generationMethods = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];

function gemini(id: string, displayName: string, version: string, description: string): ModelDescription {
  return {
    name: `models/${id}`,
    version,
    displayName,
    description,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: generationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

/** The app's default (the maintained Flash alias) first, so a `pageSize=1` listing shows it. */
const catalogue: readonly ModelDescription[] = [
  gemini("gemini-flash-latest", "Gemini Flash Latest", "Gemini Flash Latest", "Latest release of Gemini Flash"),
  gemini("gemini-flash-lite-latest", "Gemini Flash-Lite Latest", "Gemini Flash-Lite Latest", "Latest release of Gemini Flash-Lite"),
  gemini("gemini-pro-latest", "Gemini Pro Latest", "Gemini Pro Latest", "Latest release of Gemini Pro"),
  gemini("gemini-3.8-flash", "Gemini 3.8 Flash", "3.8", "Gemini 3.8 Flash, released in September 2026"),
  gemini("gemini-3.7-flash", "Gemini 3.7 Flash", "3.7", "Gemini 3.7 Flash"),
  gemini("gemini-3.6-flash", "Gemini 3.6 Flash", "3.6", "Gemini 3.6 Flash"),
  gemini("gemini-3.5-flash", "Gemini 3.5 Flash", "3.5", "Gemini 3.5 Flash"),
  gemini("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", "3.5", "Gemini 3.5 Flash-Lite"),
  gemini("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", "3.1", "Gemini 3.1 Flash-Lite"),
  gemini("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", "3.1-preview", "Preview release of Gemini 3.1 Pro"),
  gemini("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "001", "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025"),
  // Models that are not for the app's structured text answers, as Google lists them beside the text models:
  // the app's model list (functions/src/provider-apis/gemini/list-models.ts) leaves them out.
  { ...gemini("gemini-embedding-001", "Gemini Embedding 001", "001", "Obtain a distributed representation of a text."), supportedGenerationMethods: ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"] },
  { ...gemini("imagen-4.0-generate-001", "Imagen 4", "001", "Vertex served Imagen 4.0 model"), supportedGenerationMethods: ["predict"] },
  { ...gemini("gemini-3.5-flash-preview-tts", "Gemini 3.5 Flash Preview TTS", "gemini-3.5-flash-exp-tts", "Gemini 3.5 Flash Preview TTS"), supportedGenerationMethods: ["countTokens", "generateContent"] },
  { ...gemini("gemini-3.5-flash-live", "Gemini 3.5 Flash Live", "3.5", "Gemini 3.5 Flash Live"), supportedGenerationMethods: ["bidiGenerateContent"] },
];

/** Google's default and largest page sizes for `models.list`. */
const defaultPageSize = 50;
const maxPageSize = 1000;

/** One page of `models.list`, or undefined when `pageToken` is not one this server handed out. */
export function listModelsPage(
  pageSize: number | undefined,
  pageToken: string | undefined,
): { models: ModelDescription[]; nextPageToken?: string } | undefined {
  const start = pageToken ? Number(Buffer.from(pageToken, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0 || start > catalogue.length) return undefined;
  const size = pageSize && pageSize > 0 ? Math.min(pageSize, maxPageSize) : defaultPageSize;
  const end = start + size;
  const page = { models: catalogue.slice(start, end) };
  // Google's page tokens are opaque; an encoded offset is enough for a fixed catalogue.
  return end < catalogue.length ? { ...page, nextPageToken: Buffer.from(String(end)).toString("base64url") } : page;
}

/** `models.get`: the model's description, or undefined for a model Google does not serve (404). */
export function describeModel(model: string): ModelDescription | undefined {
  return catalogue.find((entry) => entry.name === `models/${model}`);
}

/** Whether `model` is a Gemini 2.5 model, which takes a thinking budget but not a thinking level. */
export function takesThinkingBudgetOnly(model: string): boolean {
  return model.startsWith("gemini-2.5-");
}
