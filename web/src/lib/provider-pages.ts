import { providerInfo, type Provider } from "../../../functions/src/providers";

/**
 * What the web app says about each provider beyond the registry (functions/src/providers.ts holds the
 * labels, the console where keys are made, the URLs and the key shapes; the server's messages use those).
 */
export interface ProviderPages {
  /** What to do there, after the link: "sign in …, then paste the key below." */
  keysSteps: string;
  /** The link to the provider's quota or billing page, as a failure suggests it. */
  quotaLinkLabel: string;
  /** Who pays for the requests made with a key: "the key's Google project". */
  billedTo: string;
}

export const providerPages: Record<Provider, ProviderPages> = {
  googleai: {
    keysSteps: "sign in with your Google account, choose “Create API key”, then paste the key below.",
    quotaLinkLabel: "About Gemini quotas",
    billedTo: "the key's Google project",
  },
  openai: {
    keysSteps: "sign in, choose “Create new secret key” (the default permissions are enough), then paste the key below.",
    quotaLinkLabel: "About OpenAI billing",
    billedTo: "the key's OpenAI project",
  },
  anthropic: {
    keysSteps: "sign in, choose “Create Key”, then paste the key below.",
    quotaLinkLabel: "About Anthropic billing",
    billedTo: "the key's Anthropic workspace",
  },
  openrouter: {
    keysSteps: "sign in, choose “Create API Key” (set a credit limit if you like), then paste the key below.",
    quotaLinkLabel: "Add OpenRouter credits",
    billedTo: "the key's OpenRouter account",
  },
};

/**
 * The start of the keys a provider issues today ("AQ.", "sk-proj-", "sk-ant-api03-"): its first shape
 * that is neither retired nor unable to call models, from the registry, so a new prefix is one change there.
 */
export function currentKeyPrefix(provider: Provider): string {
  return providerInfo[provider].shapes.find((shape) => !shape.retired && !shape.cannotCallModels)?.prefixes[0] ?? "";
}
