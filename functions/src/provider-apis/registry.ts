import type { Provider } from "../providers";
import type { CheckKey, GenerateOnce } from "./provider-api";
import { UpstreamCallError } from "./upstream-failure";

/**
 * Each provider's adapter, loaded on first use: key management loads only the key checks (plain fetch),
 * and an AI instance loads only the SDK of the providers its callers use.
 */

// Until the OpenAI adapter lands, its provider answers as unreachable.
const keyCheckers: Partial<Record<Provider, () => Promise<CheckKey>>> = {
  googleai: async () => (await import("./gemini/check-key.js")).checkGeminiKey,
  anthropic: async () => (await import("./anthropic/check-key.js")).checkAnthropicKey,
};

const generators: Partial<Record<Provider, () => Promise<GenerateOnce>>> = {
  googleai: async () => (await import("./gemini/generate.js")).generateGeminiOnce,
  anthropic: async () => (await import("./anthropic/generate.js")).generateAnthropicOnce,
};

const unreachable: CheckKey = () => Promise.resolve("unreachable");
const unavailable: GenerateOnce = () => Promise.reject(new UpstreamCallError({ kind: "transient" }));

export const keyCheckerFor = async (provider: Provider): Promise<CheckKey> => (await keyCheckers[provider]?.()) ?? unreachable;
export const generatorFor = async (provider: Provider): Promise<GenerateOnce> => (await generators[provider]?.()) ?? unavailable;
