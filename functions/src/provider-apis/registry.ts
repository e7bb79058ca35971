import { loadedOnce } from "../platform/loaded-once";
import type { Provider } from "../providers";
import type { CheckKey, GenerateOnce, ListModels } from "./provider-api";

/**
 * Each provider's adapter, one row per provider, each half loaded on its first use: key management loads
 * only the key checks (plain fetch), and an AI instance loads only the SDK (or Genkit plugin) of the
 * providers its callers' keys belong to: a call on an OpenAI key loads neither the Gemini plugin nor the
 * Anthropic SDK. A row names its two modules; a new provider is one more row.
 */
interface ProviderApiRow {
  checkKey: () => Promise<CheckKey>;
  /** Key management's other half, beside the key check: the key's models (plain fetch, no SDK). */
  listModels: () => Promise<ListModels>;
  generate: () => Promise<GenerateOnce>;
}

const rows: Record<Provider, ProviderApiRow> = {
  googleai: {
    checkKey: async () => (await import("./gemini/check-key.js")).checkGeminiKey,
    listModels: async () => (await import("./gemini/list-models.js")).listGeminiModels,
    generate: async () => (await import("./gemini/generate.js")).generateGeminiOnce,
  },
  openai: {
    checkKey: async () => (await import("./openai/check-key.js")).checkOpenAiKey,
    listModels: async () => (await import("./openai/list-models.js")).listOpenAiModels,
    generate: async () => (await import("./openai/generate.js")).generateOpenAiOnce,
  },
  anthropic: {
    checkKey: async () => (await import("./anthropic/check-key.js")).checkAnthropicKey,
    listModels: async () => (await import("./anthropic/list-models.js")).listAnthropicModels,
    generate: async () => (await import("./anthropic/generate.js")).generateAnthropicOnce,
  },
  openrouter: {
    checkKey: async () => (await import("./openrouter/check-key.js")).checkOpenRouterKey,
    listModels: async () => (await import("./openrouter/list-models.js")).listOpenRouterModels,
    generate: async () => (await import("./openrouter/generate.js")).generateOpenRouterOnce,
  },
};

const keyCheckers = new Map<Provider, () => Promise<CheckKey>>();
const modelListers = new Map<Provider, () => Promise<ListModels>>();
const generators = new Map<Provider, () => Promise<GenerateOnce>>();
for (const [provider, row] of Object.entries(rows) as Array<[Provider, ProviderApiRow]>) {
  keyCheckers.set(provider, loadedOnce(row.checkKey));
  modelListers.set(provider, loadedOnce(row.listModels));
  generators.set(provider, loadedOnce(row.generate));
}

export const keyCheckerFor = (provider: Provider): Promise<CheckKey> => keyCheckers.get(provider)!();
export const modelListerFor = (provider: Provider): Promise<ListModels> => modelListers.get(provider)!();
export const generatorFor = (provider: Provider): Promise<GenerateOnce> => generators.get(provider)!();
