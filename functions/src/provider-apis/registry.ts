import type { Provider } from "../providers";
import type { CheckKey, GenerateOnce } from "./provider-api";

/**
 * Each provider's adapter, loaded on first use: key management loads only the key checks (plain fetch),
 * and an AI instance loads only the SDK of the providers its callers use.
 */

const keyCheckers: Record<Provider, () => Promise<CheckKey>> = {
  googleai: async () => (await import("./gemini/check-key.js")).checkGeminiKey,
  openai: async () => (await import("./openai/check-key.js")).checkOpenAiKey,
  anthropic: async () => (await import("./anthropic/check-key.js")).checkAnthropicKey,
  openrouter: async () => (await import("./openrouter/check-key.js")).checkOpenRouterKey,
};

const generators: Record<Provider, () => Promise<GenerateOnce>> = {
  googleai: async () => (await import("./gemini/generate.js")).generateGeminiOnce,
  openai: async () => (await import("./openai/generate.js")).generateOpenAiOnce,
  anthropic: async () => (await import("./anthropic/generate.js")).generateAnthropicOnce,
  openrouter: async () => (await import("./openrouter/generate.js")).generateOpenRouterOnce,
};

export const keyCheckerFor = (provider: Provider): Promise<CheckKey> => keyCheckers[provider]();
export const generatorFor = (provider: Provider): Promise<GenerateOnce> => generators[provider]();
