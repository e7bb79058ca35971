import { randomBytes } from "node:crypto";

/** What a leak check searches for: the product's own definition of a key's shape. */
export { googleAiKeyShape as keyShaped } from "../../functions/src/providers";

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

/**
 * A fresh, fake, well-formed Gemini key ("AIza" + 35 characters), made at run time so no key-shaped
 * literal is ever committed. `marker` (a Gemini stand-in behaviour word) is embedded in the random part.
 */
export function fakeGeminiKey(marker = ""): string {
  const body = Array.from(randomBytes(35), (byte) => keyAlphabet[byte % keyAlphabet.length]).join("");
  return `AIza${marker}${body.slice(marker.length)}`;
}
