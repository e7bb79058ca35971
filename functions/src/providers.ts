/**
 * Pure and dependency-free: the web app imports it too, to check a key's format before sending it.
 *
 * The AI providers a user can bring a key for, and the one place that knows what their keys look like.
 * The format check anchors these shapes; log scrubbing, the test run's log scan and every leak check
 * search for them. Only Google AI (Gemini) exists today; the vault, the callables and the status shape
 * are keyed by provider so another can be added here.
 */
export const providers = ["googleai"] as const;
export type Provider = (typeof providers)[number];

/** One shape of key a provider issues. */
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

/** Every provider's key shapes, and what a person needs to hear to paste the right thing. */
export const keyShapesByProvider: Record<Provider, { shapes: readonly KeyShape[]; formatHint: string }> = {
  googleai: {
    shapes: googleAiKeyShapes,
    formatHint: "Gemini API keys from Google AI Studio start with “AQ.” and are 53 characters long.",
  },
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const shapeSource = (shape: KeyShape) => `(?:${shape.prefixes.map(escapeRegExp).join("|")})${shape.body}`;

/** Any key of any provider, anywhere in a text (not global: safe to `.test` repeatedly). */
export const anyKeyShape = new RegExp(
  Object.values(keyShapesByProvider)
    .flatMap(({ shapes }) => shapes.map(shapeSource))
    .join("|"),
);

/** The same, global: for replacing every key in a text. */
export function anyKeyShapeGlobal(): RegExp {
  return new RegExp(anyKeyShape.source, "g");
}

/** The shape `apiKey` has exactly, or undefined when it has none of the provider's shapes. */
export function keyShapeOf(provider: Provider, apiKey: string): KeyShape | undefined {
  return keyShapesByProvider[provider].shapes.find((shape) => new RegExp(`^${shapeSource(shape)}$`).test(apiKey));
}

export function isWellFormedKey(provider: Provider, apiKey: string): boolean {
  return keyShapeOf(provider, apiKey) !== undefined;
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
