/** The models the stand-in lists, as `models.list` describes them, and which names it serves. */

/** One entry of `models.list`, with the fields Google returns for Gemini models. */
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

/** gemini-2.5-flash first, so that the key check's `pageSize=1` sees the model the app uses. */
const catalogue: readonly ModelDescription[] = [
  {
    name: "models/gemini-2.5-flash",
    version: "001",
    displayName: "Gemini 2.5 Flash",
    description:
      "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: generationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  },
  {
    name: "models/gemini-2.5-pro",
    version: "2.5",
    displayName: "Gemini 2.5 Pro",
    description: "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: generationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  },
  {
    name: "models/gemini-2.5-flash-lite",
    version: "001",
    displayName: "Gemini 2.5 Flash-Lite",
    description: "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: generationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  },
  {
    name: "models/gemini-2.0-flash",
    version: "2.0",
    displayName: "Gemini 2.0 Flash",
    description: "Gemini 2.0 Flash",
    inputTokenLimit: 1048576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: generationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 40,
    maxTemperature: 2,
  },
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

/**
 * Whether generation is served for `model` (the id without "models/"). Any Gemini or Gemma id is,
 * not only the listed ones, so that switching GEMINI_MODEL to a newer model needs no change here.
 */
export function servesGeneration(model: string): boolean {
  return /^(gemini|gemma)-[0-9A-Za-z.-]+$/.test(model);
}
