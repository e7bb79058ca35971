import { anyKeyShape, anyKeyShapeGlobal } from "../providers";

/**
 * Last-line scrubbing of key-shaped text for the two log sinks Genkit writes to. Our own code never
 * puts a key in a log line; this exists because the Gemini plugin logs Google's error text as is, and
 * Google quotes the key itself when it reports a suspended consumer.
 */

export const redactedKey = "[redacted key]";

export function redactKeys(text: string): string {
  // Most text holds no key: test with the one compiled pattern before building a global one to replace with.
  return anyKeyShape.test(text) ? text.replace(anyKeyShapeGlobal(), redactedKey) : text;
}

export const circularReference = "[circular]";

/**
 * A copy of `value` with every key-shaped substring of every string redacted, in values and property
 * names alike, at every depth: errors become plain { name, message, stack } objects, a reference back to
 * an enclosing object becomes "[circular]", a property that cannot be read becomes "[unreadable]". The
 * walk keeps its own stack rather than recursing, so no nesting is too deep for it.
 */
export function redactDeep(value: unknown): unknown {
  const result: { value?: unknown } = {};
  const copies = new Map<object, unknown>();
  const enclosing = new Set<object>();
  type Step = { visit: unknown; store: (copy: unknown) => void } | { leave: object };
  const steps: Step[] = [{ visit: value, store: (copy) => (result.value = copy) }];

  while (steps.length > 0) {
    const step = steps.pop()!;
    if ("leave" in step) {
      enclosing.delete(step.leave);
      continue;
    }
    const source = step.visit;
    if (typeof source === "string") {
      step.store(redactKeys(source));
      continue;
    }
    if (typeof source === "function") {
      step.store("[function]");
      continue;
    }
    if (source === null || typeof source !== "object") {
      step.store(source);
      continue;
    }
    if (enclosing.has(source)) {
      step.store(circularReference);
      continue;
    }
    if (copies.has(source)) {
      step.store(copies.get(source));
      continue;
    }
    const entries = readableEntries(source);
    if (entries === undefined) {
      step.store(unreadable);
      continue;
    }
    const copy: Record<string, unknown> | unknown[] = Array.isArray(source) ? [] : {};
    copies.set(source, copy);
    step.store(copy);
    enclosing.add(source);
    steps.push({ leave: source });
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index];
      const copyKey = Array.isArray(copy) ? key : redactKeys(key);
      steps.push({ visit: item, store: (itemCopy) => ((copy as Record<string, unknown>)[copyKey] = itemCopy) });
    }
  }
  return result.value;
}

const unreadable = "[unreadable]";

/** The parts of an object a log line would show; undefined when reading them throws (a hostile getter). */
function readableEntries(source: object): Array<[string, unknown]> | undefined {
  try {
    if (source instanceof Error) {
      return [
        ["name", source.name],
        ["message", source.message],
        ...(source.stack ? [["stack", source.stack] as [string, unknown]] : []),
      ];
    }
    return Object.entries(source);
  } catch {
    return undefined;
  }
}
