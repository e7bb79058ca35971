import { randomBytes } from "node:crypto";

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

/**
 * A fresh, fake, well-formed Gemini key ("AIza" + 35 characters), made at run time so no key-shaped
 * literal is ever committed. `marker` (a Gemini stand-in behaviour word) is embedded in the random part.
 */
export function fakeGeminiKey(marker = ""): string {
  const body = Array.from(randomBytes(35), (byte) => keyAlphabet[byte % keyAlphabet.length]).join("");
  return `AIza${marker}${body.slice(marker.length)}`;
}
