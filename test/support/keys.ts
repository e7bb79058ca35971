import { randomBytes } from "node:crypto";

/** What a leak check searches for: the product's own definition of every key shape it knows. */
export { anyKeyShape as keyShaped } from "../../functions/src/providers";

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

function keyCharacters(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => keyAlphabet[byte % keyAlphabet.length]).join("");
}

/** The two shapes of Gemini key (functions/src/providers.ts): what AI Studio issues today, and the retired one. */
const geminiKeyShapes = {
  auth: { prefix: "AQ.", length: 50 },
  standard: { prefix: "AIza", length: 35 },
} as const;

/**
 * A fresh, fake, well-formed Gemini key, made at run time so no key-shaped literal is ever committed:
 * an auth key ("AQ." + 50 characters) as AI Studio issues today, or with `shape: "standard"` a retired
 * "AIza" key. `marker` (a Gemini stand-in behaviour word) is embedded in the random part.
 */
export function fakeGeminiKey(marker = "", shape: keyof typeof geminiKeyShapes = "auth"): string {
  const { prefix, length } = geminiKeyShapes[shape];
  return `${prefix}${marker}${keyCharacters(randomBytes(length - marker.length))}`;
}

/**
 * A fake, well-formed Gemini key whose characters come from `bytes` (one per byte; at least the shape's
 * length): for generators that must make the same keys again from the same seed.
 */
export function fakeGeminiKeyFrom(bytes: Uint8Array, shape: keyof typeof geminiKeyShapes = "auth"): string {
  const { prefix, length } = geminiKeyShapes[shape];
  if (bytes.length < length) throw new Error(`A ${shape} key needs ${length} bytes, got ${bytes.length}`);
  return `${prefix}${keyCharacters(bytes.subarray(0, length))}`;
}
