import { providerInfo, type Provider } from "../../../functions/src/providers";

/**
 * How the web app talks about each provider's own pages: the words around the registry's URLs
 * (functions/src/providers.ts holds the URLs, labels and key shapes; the server's messages use those).
 */
export interface ProviderPages {
  /** The site where keys are made, as it reads after "Open": "Google AI Studio". */
  keysSite: string;
  /** The same with its preposition, as it reads after "Create a key": "in Google AI Studio". */
  keysSiteWithPreposition: string;
  /** What to do there, after the link: "sign in …, then paste the key below." */
  keysSteps: string;
  /** The link to the provider's quota or billing page, as a failure suggests it. */
  quotaLinkLabel: string;
  /** Who pays for the requests made with a key: "the key's Google project". */
  billedTo: string;
}

export const providerPages: Record<Provider, ProviderPages> = {
  googleai: {
    keysSite: "Google AI Studio",
    keysSiteWithPreposition: "in Google AI Studio",
    keysSteps: "sign in with your Google account, choose “Create API key”, then paste the key below.",
    quotaLinkLabel: "About Gemini quotas",
    billedTo: "the key's Google project",
  },
  openai: {
    keysSite: "the OpenAI platform",
    keysSiteWithPreposition: "on the OpenAI platform",
    keysSteps: "sign in, choose “Create new secret key” (the default permissions are enough), then paste the key below.",
    quotaLinkLabel: "About OpenAI billing",
    billedTo: "the key's OpenAI project",
  },
  anthropic: {
    keysSite: "the Claude Console",
    keysSiteWithPreposition: "in the Claude Console",
    keysSteps: "sign in, choose “Create Key”, then paste the key below.",
    quotaLinkLabel: "About Anthropic billing",
    billedTo: "the key's Anthropic workspace",
  },
};

/**
 * The start of the keys a provider issues today ("AQ.", "sk-proj-", "sk-ant-api03-"): its first shape
 * that is neither retired nor unable to call models, from the registry, so a new prefix is one change there.
 */
export function currentKeyPrefix(provider: Provider): string {
  return providerInfo[provider].shapes.find((shape) => !shape.retired && !shape.cannotCallModels)?.prefixes[0] ?? "";
}
