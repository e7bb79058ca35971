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

/**
 * A fresh, fake OpenAI key of the given kind (functions/src/providers.ts), with `marker` (an OpenAI
 * stand-in behaviour word) in its random part: a project key as OpenAI issues by default, a legacy user
 * key ("sk-" alone), or an admin key, which cannot call models.
 */
export function fakeOpenAiKey(marker = "", kind: "project" | "legacy" | "admin" = "project"): string {
  const prefix = { project: "sk-proj-", legacy: "sk-", admin: "sk-admin-" }[kind];
  const body = keyCharacters(randomBytes(156 - marker.length));
  return `${prefix}${marker}${body.slice(0, 70)}T3BlbkFJ${body.slice(70)}`;
}

/**
 * A fresh, fake Anthropic key of the given kind, with `marker` (an Anthropic stand-in behaviour word) in
 * its random part: an API key ("sk-ant-api03-" + 93 + "AA"), an Admin API key or a Claude OAuth token.
 */
export function fakeAnthropicKey(marker = "", kind: "api" | "admin" | "oauth" = "api"): string {
  const prefix = { api: "sk-ant-api03-", admin: "sk-ant-admin01-", oauth: "sk-ant-oat01-" }[kind];
  return `${prefix}${marker}${keyCharacters(randomBytes(93 - marker.length))}AA`;
}

/**
 * A fresh, fake OpenRouter key: "sk-or-v1-" and 64 lowercase hex characters, the first of them
 * `marker` (an OpenRouter stand-in marker, e.g. "402"); without one it starts "00", which no marker does.
 */
export function fakeOpenRouterKey(marker = ""): string {
  const start = marker || "00";
  return `sk-or-v1-${start}${randomBytes(32).toString("hex").slice(start.length)}`;
}
