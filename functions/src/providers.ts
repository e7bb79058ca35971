/**
 * Pure and dependency-free: the web app imports it too, to check a key's format before sending it.
 *
 * The AI providers a user can bring a key for. Only Google AI (Gemini) exists today; the vault,
 * the callables and the status shape are keyed by provider so another can be added here.
 */
export const providers = ["googleai"] as const;
export type Provider = (typeof providers)[number];

/**
 * A Google AI key: "AIza" followed by 35 URL-safe base64 characters, anywhere in a text. The one
 * definition of the shape: the format check anchors it, log scrubbing and leak checks search for it.
 */
export const googleAiKeyShape = /AIza[0-9A-Za-z_-]{35}/;
const googleAiKeyPattern = new RegExp(`^${googleAiKeyShape.source}$`);

export function isWellFormedKey(provider: Provider, apiKey: string): boolean {
  switch (provider) {
    case "googleai":
      return googleAiKeyPattern.test(apiKey);
  }
}

/** What the user may see of a stored key: its fixed prefix and last four characters. */
export function keyHint(apiKey: string): string {
  return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}
