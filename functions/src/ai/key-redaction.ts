import { anyKeyShapeGlobal } from "../providers";

/**
 * Last-line scrubbing of key-shaped text for the two log sinks Genkit writes to. Our own code never
 * puts a key in a log line; this exists because the Gemini plugin logs Google's error text as is, and
 * Google quotes the key itself when it reports a suspended consumer.
 */

export const redactedKey = "[redacted key]";

export function redactKeys(text: string): string {
  return text.replace(anyKeyShapeGlobal(), redactedKey);
}

/** A copy of `value` with every key-shaped substring of every string redacted (errors become plain objects). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactKeys(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactKeys(value.message), ...(value.stack ? { stack: redactKeys(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, depth + 1)]));
}
