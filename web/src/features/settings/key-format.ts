/**
 * A Gemini key's shape: "AIza" and 35 URL-safe characters. The server checks the same
 * (functions/src/providers.ts); checking here too means a wrong paste, which might be some other
 * secret, never leaves the browser.
 */
export function looksLikeGeminiKey(value: string): boolean {
  return /^AIza[0-9A-Za-z_-]{35}$/.test(value);
}
