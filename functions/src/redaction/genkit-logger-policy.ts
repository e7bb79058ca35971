import { redactDeep, redactKeys } from "./key-redaction";

/**
 * The key policy held on Genkit's logger for the life of the process.
 *
 * Genkit keeps its logger in one global slot (`globalThis.__genkit_logger`, @genkit-ai/core's logging
 * module) that `logger.init(sink)` overwrites. Genkit Monitoring (@genkit-ai/google-cloud's GcpLogger)
 * overwrites it again whenever a write to Cloud Logging fails, with a fresh sink of its own. A wrapper
 * installed once would be gone after the first failed write. So the slot itself becomes an accessor:
 * whatever any copy of Genkit assigns to it is wrapped in the policy on the way in, and reading it always
 * yields the policy.
 */

/** Where Genkit's log lines go: Cloud Logging through firebase-functions, or Genkit Monitoring's own sink. */
export interface LogSink {
  debug(...args: unknown[]): unknown;
  info(...args: unknown[]): unknown;
  warn(...args: unknown[]): unknown;
  error(...args: unknown[]): unknown;
  level?: string;
}

const loggerSlot = "__genkit_logger";
const policyMarker = Symbol.for("interview-ai.genkit-key-policy");

interface PolicyLogger extends LogSink {
  readonly [policyMarker]: LogSink;
  level: string;
}

/**
 * Puts the key policy in front of `sink` as Genkit's logger, now and after any later `logger.init`.
 * The Gemini plugin logs every upstream failure with Google's response text, which can quote the key (a
 * suspended consumer's message names it). So errors Genkit reports are logged by type only — our own log
 * line says what failed — and key-shaped text is scrubbed from everything else, at every depth.
 */
export function holdKeyPolicyOnGenkitLogger(sink: LogSink): void {
  const slotHolder = globalThis as Record<string, unknown>;
  const descriptor = Object.getOwnPropertyDescriptor(slotHolder, loggerSlot);
  if (descriptor?.set) {
    // Already held (this process loaded the policy before): only the sink changes.
    slotHolder[loggerSlot] = sink;
    return;
  }
  let current = withKeyPolicy(sink);
  Object.defineProperty(slotHolder, loggerSlot, {
    enumerable: true,
    // Not configurable: nothing can delete or redefine the slot to get around the policy.
    configurable: false,
    get: () => current,
    set: (next: unknown) => {
      current = isLogSink(next) ? withKeyPolicy(next) : current;
    },
  });
}

/** The sink behind the policy now (for tests and diagnostics). */
export function currentGenkitLogSink(): LogSink | undefined {
  const held = (globalThis as Record<string, unknown>)[loggerSlot] as Partial<PolicyLogger> | undefined;
  return held?.[policyMarker];
}

function withKeyPolicy(sink: LogSink): PolicyLogger {
  const inner = (sink as Partial<PolicyLogger>)[policyMarker] ?? sink;
  let level = typeof inner.level === "string" ? inner.level : "info";
  return {
    [policyMarker]: inner,
    get level() {
      return level;
    },
    set level(next: string) {
      level = next;
    },
    debug: (...args: unknown[]) => inner.debug(...(redactDeep(args) as unknown[])),
    info: (...args: unknown[]) => inner.info(...(redactDeep(args) as unknown[])),
    warn: (...args: unknown[]) => inner.warn(...(redactDeep(args) as unknown[])),
    error: (...args: unknown[]) => inner.error("genkit reported an error", { errorType: errorTypeOf(args) }),
  };
}

function isLogSink(value: unknown): value is LogSink {
  const candidate = value as Partial<LogSink> | null | undefined;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.debug === "function" &&
    typeof candidate.info === "function" &&
    typeof candidate.warn === "function" &&
    typeof candidate.error === "function"
  );
}

/** Genkit logs an error as (message, { "exception.type": … }) or as the Error itself. */
function errorTypeOf(args: unknown[]): string {
  for (const arg of args) {
    if (arg instanceof Error) return redactKeys(arg.name);
    const type = (arg as Record<string, unknown> | null)?.["exception.type"];
    if (typeof type === "string") return redactKeys(type);
  }
  return "unknown";
}
