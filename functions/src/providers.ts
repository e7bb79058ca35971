/**
 * Pure and dependency-free: the web app imports it too, to check a key's format before sending it.
 *
 * The AI providers a user can bring a key for, and the one place that knows what their keys look like
 * and what the user calls them. The format check anchors these shapes; log scrubbing, the test run's log
 * scan and every leak check search for them. What each provider's API answers lives with its adapter
 * (functions/src/ai/provider-apis/); facts and sources are in docs/gemini-api.md and
 * docs/openai-anthropic-api.md.
 */

/**
 * Every provider, in the order the AI callables try them for a user who has chosen no preferred provider
 * (the first with a usable key pays): Gemini first, as the app began on it; OpenRouter, which resells
 * the others' models, last.
 */
export const providers = ["googleai", "openai", "anthropic", "openrouter"] as const;
export type Provider = (typeof providers)[number];

/** One shape of key (or of something else a person might paste) a provider issues. */
export interface KeyShape {
  /** What the provider calls this kind of key. */
  kind: string;
  /** The fixed starts a key of this kind may have; the hint shows the one a key has. */
  prefixes: readonly string[];
  /** Regular-expression source for what follows the prefix. */
  body: string;
  /**
   * The provider no longer accepts this kind. Such a key is still well-formed and still goes to the
   * provider for the verdict; a refusal then gets advice about the retirement, not about a typo.
   */
  retired?: true;
  /**
   * This kind cannot call models (an admin key, an OAuth token): refused at the format check with these
   * words, which say what was pasted. It is still a secret, so log scrubbing knows its shape too.
   */
  cannotCallModels?: string;
}

/** What the user knows a provider by, and where its keys and its quotas are managed. */
export interface ProviderInfo {
  /** The product the key is for, e.g. "Gemini". */
  label: string;
  /** Who answers for the key, as messages say it: "Google rejected this key". */
  company: string;
  /** Where the user manages their keys, as a sentence names it: "Check it in Google AI Studio". */
  console: string;
  /** The page where a user creates a key. */
  keysUrl: string;
  /** The page about the key's quota, credit or billing. */
  quotaUrl: string;
  /** How a well-formed key looks, in one sentence. */
  formatHint: string;
  shapes: readonly KeyShape[];
  /**
   * The provider reports each key's own credit (what is left of its limit) when the key is checked:
   * Settings shows it, refreshed at save, by "Check again" and after each call.
   */
  reportsCredit?: true;
}

/**
 * Google AI keys (see docs/gemini-api.md). AI Studio issues only auth keys since 2026: a family prefix
 * ("AQ.", with reports of others such as "IQ."; a new one is one more entry in `prefixes`) and 50
 * URL-safe base64 characters. Standard "AIza" keys are refused by the API since the September 2026
 * cut-off, and are accepted here only so that their owners hear why.
 */
const googleAiKeyShapes: readonly KeyShape[] = [
  { kind: "auth key", prefixes: ["AQ."], body: "[0-9A-Za-z_-]{50}" },
  { kind: "standard key", prefixes: ["AIza"], body: "[0-9A-Za-z_-]{35}", retired: true },
];

/**
 * OpenAI keys (docs/openai-anthropic-api.md §1): project and service-account keys, and legacy user keys
 * ("sk-" alone). Lengths vary between generations (51 to 172 characters seen), so the body is a range,
 * not a pinned length. The legacy shape never starts "sk-or-": that is OpenRouter's, and a mistyped
 * OpenRouter key must not be sent to OpenAI.
 */
const openAiKeyShapes: readonly KeyShape[] = [
  { kind: "project key", prefixes: ["sk-proj-"], body: "[0-9A-Za-z_-]{40,220}" },
  { kind: "service account key", prefixes: ["sk-svcacct-"], body: "[0-9A-Za-z_-]{40,220}" },
  { kind: "user key", prefixes: ["sk-"], body: "(?!or-)[0-9A-Za-z_-]{40,220}" },
  {
    kind: "admin key",
    prefixes: ["sk-admin-"],
    body: "[0-9A-Za-z_-]{40,220}",
    cannotCallModels: "This is an OpenAI admin key: it can manage an organization but cannot call models.",
  },
];

/**
 * Anthropic keys (docs/openai-anthropic-api.md §1): API keys "sk-ant-api03-" + 95 characters today; a
 * future "apiNN" family is one more prefix. Admin keys and Claude subscription OAuth tokens look alike
 * and cannot call the API.
 */
const anthropicKeyShapes: readonly KeyShape[] = [
  { kind: "API key", prefixes: ["sk-ant-api03-"], body: "[0-9A-Za-z_-]{80,120}" },
  {
    kind: "Admin API key",
    prefixes: ["sk-ant-admin01-"],
    body: "[0-9A-Za-z_-]{80,120}",
    cannotCallModels: "This is an Anthropic Admin API key: it can manage an organization but cannot call models.",
  },
  {
    kind: "OAuth token",
    prefixes: ["sk-ant-oat01-", "sk-ant-ort01-"],
    // Refresh tokens run longer than access tokens; 240 keeps the longest within what log redaction holds back.
    body: "[0-9A-Za-z_-]{40,240}",
    cannotCallModels: "This is a Claude subscription sign-in token, not an API key: the Anthropic API does not accept it.",
  },
];

/**
 * OpenRouter keys (docs/openrouter-api.md §1): "sk-or-v1-" and 64 lowercase hex characters, the shape
 * secret scanners (and GitHub's, OpenRouter being a partner) look for. Management (provisioning) keys
 * look the same; the key check tells them apart.
 */
const openRouterKeyShapes: readonly KeyShape[] = [{ kind: "API key", prefixes: ["sk-or-v1-"], body: "[0-9a-f]{64}" }];

export const providerInfo: Record<Provider, ProviderInfo> = {
  googleai: {
    label: "Gemini",
    company: "Google",
    console: "Google AI Studio",
    keysUrl: "https://aistudio.google.com/app/apikey",
    quotaUrl: "https://ai.google.dev/gemini-api/docs/rate-limits",
    formatHint: "Gemini API keys from Google AI Studio start with “AQ.” and are 53 characters long.",
    shapes: googleAiKeyShapes,
  },
  openai: {
    label: "OpenAI",
    company: "OpenAI",
    console: "the OpenAI dashboard",
    keysUrl: "https://platform.openai.com/api-keys",
    quotaUrl: "https://platform.openai.com/settings/organization/billing/overview",
    formatHint: "OpenAI API keys start with “sk-proj-” (or “sk-svcacct-”, or “sk-” for older ones).",
    shapes: openAiKeyShapes,
  },
  anthropic: {
    label: "Anthropic",
    company: "Anthropic",
    console: "the Claude Console",
    keysUrl: "https://console.anthropic.com/settings/keys",
    quotaUrl: "https://console.anthropic.com/settings/billing",
    formatHint: "Anthropic API keys from the Claude Console start with “sk-ant-api03-”.",
    shapes: anthropicKeyShapes,
  },
  openrouter: {
    label: "OpenRouter",
    company: "OpenRouter",
    console: "OpenRouter's key settings",
    keysUrl: "https://openrouter.ai/settings/keys",
    quotaUrl: "https://openrouter.ai/settings/credits",
    formatHint: "OpenRouter API keys start with “sk-or-v1-” followed by 64 lowercase hexadecimal characters.",
    shapes: openRouterKeyShapes,
    reportsCredit: true,
  },
};

export function isProvider(value: unknown): value is Provider {
  return typeof value === "string" && (providers as readonly string[]).includes(value);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const shapeSource = (shape: KeyShape) => `(?:${shape.prefixes.map(escapeRegExp).join("|")})${shape.body}`;

/** Any key of any provider, anywhere in a text (not global: safe to `.test` repeatedly). */
export const anyKeyShape = new RegExp(
  Object.values(providerInfo)
    .flatMap(({ shapes }) => shapes.map(shapeSource))
    .join("|"),
);

/** The same, global: for replacing every key in a text. */
export function anyKeyShapeGlobal(): RegExp {
  return new RegExp(anyKeyShape.source, "g");
}

/** Which provider's shape a whole text has, and which prefix of it: the most specific prefix wins. */
function bestShapeMatch(apiKey: string): { provider: Provider; shape: KeyShape; prefix: string } | undefined {
  let best: { provider: Provider; shape: KeyShape; prefix: string } | undefined;
  for (const provider of providers) {
    for (const shape of providerInfo[provider].shapes) {
      if (!new RegExp(`^${shapeSource(shape)}$`).test(apiKey)) continue;
      const prefix = shape.prefixes.filter((candidate) => apiKey.startsWith(candidate)).sort((a, b) => b.length - a.length)[0] ?? "";
      if (!best || prefix.length > best.prefix.length) best = { provider, shape, prefix };
    }
  }
  return best;
}

/**
 * The format check: a key of `provider`'s that can call models, or why not in words that say what was
 * pasted — another provider's key ("sk-ant-api03-…" is Anthropic's, though OpenAI's legacy "sk-" shape
 * would take it: the longest matching prefix decides), a kind that cannot call models, or no key at all.
 */
export type KeyFormatCheck = { ok: true; shape: KeyShape } | { ok: false; problem: string };

export function checkKeyFormat(provider: Provider, apiKey: string): KeyFormatCheck {
  const match = bestShapeMatch(apiKey);
  if (!match) return { ok: false, problem: `That does not look like a valid key. ${providerInfo[provider].formatHint}` };
  if (match.shape.cannotCallModels) return { ok: false, problem: `${match.shape.cannotCallModels} ${providerInfo[match.provider].formatHint}` };
  if (match.provider !== provider) {
    const owner = providerInfo[match.provider];
    return { ok: false, problem: `This looks like ${articleFor(owner.label)} ${owner.label} key: add it under ${owner.label}, not ${providerInfo[provider].label}.` };
  }
  return { ok: true, shape: match.shape };
}

const articleFor = (word: string) => (/^[AEIOU]/.test(word) ? "an" : "a");

/** The shape `apiKey` has exactly, as `provider`'s key that can call models, or undefined. */
export function keyShapeOf(provider: Provider, apiKey: string): KeyShape | undefined {
  const check = checkKeyFormat(provider, apiKey);
  return check.ok ? check.shape : undefined;
}

export function isWellFormedKey(provider: Provider, apiKey: string): boolean {
  return checkKeyFormat(provider, apiKey).ok;
}

/** Whether `apiKey` is of a kind the provider has retired (it may still be well-formed). */
export function isRetiredKeyShape(provider: Provider, apiKey: string): boolean {
  return keyShapeOf(provider, apiKey)?.retired === true;
}

/** What the user may see of a stored key: its fixed prefix and last four characters, e.g. "AQ.…wxyz". */
export function keyHint(provider: Provider, apiKey: string): string {
  const prefix = keyShapeOf(provider, apiKey)?.prefixes.find((candidate) => apiKey.startsWith(candidate)) ?? "";
  return `${prefix}…${apiKey.slice(-4)}`;
}
