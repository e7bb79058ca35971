import { googleAI } from "@genkit-ai/google-genai";
import { logger as functionsLogger } from "firebase-functions";
import { genkit } from "genkit";
import { logger as genkitLogger } from "genkit/logging";
import { enableTelemetry } from "genkit/tracing";
import { geminiApiBaseUrl } from "../config";
import { redactDeep, redactKeys } from "./key-redaction";

/**
 * The one Genkit instance. This module (and everything that imports it) is loaded only by the AI
 * callables, lazily, so key management never pays for Genkit.
 *
 * The googleAI plugin has no key of its own (`apiKey: false`): every call brings the caller's key,
 * applied by the user-key model at the last step (see user-key-model.ts).
 */

/**
 * Genkit's console sink, routed to Cloud Logging. The Gemini plugin logs every upstream failure with
 * Google's response text, which can quote the key (a suspended consumer's message names it). So
 * errors Genkit reports are logged by type only — our own log line says what failed — and key-shaped
 * text is scrubbed from everything else.
 */
genkitLogger.init({
  level: "info",
  debug: (...args: unknown[]) => functionsLogger.debug(...(redactDeep(args) as unknown[])),
  info: (...args: unknown[]) => functionsLogger.info(...(redactDeep(args) as unknown[])),
  warn: (...args: unknown[]) => functionsLogger.warn(...(redactDeep(args) as unknown[])),
  error: (...args: unknown[]) => functionsLogger.error("genkit reported an error", { errorType: errorTypeOf(args) }),
});

/** Genkit logs an error as (message, { "exception.type": … }) or as the Error itself. */
function errorTypeOf(args: unknown[]): string {
  for (const arg of args) {
    if (arg instanceof Error) return arg.name;
    const type = (arg as Record<string, unknown> | null)?.["exception.type"];
    if (typeof type === "string") return type;
  }
  return "unknown";
}

/** The same policy for the copy of each Genkit log line that goes to OpenTelemetry. */
class UpstreamTextWithholdingLogProcessor {
  onEmit(record: { body?: unknown; attributes: Record<string, unknown>; setBody(body: never): unknown; setAttribute(key: string, value: never): unknown }): void {
    const isErrorReport = "exception.message" in record.attributes;
    if (isErrorReport) {
      record.setBody("genkit reported an error" as never);
      record.setAttribute("exception.message", withheld as never);
      record.setAttribute("exception.stacktrace", withheld as never);
      return;
    }
    if (typeof record.body === "string") record.setBody(redactKeys(record.body) as never);
    for (const [key, value] of Object.entries(record.attributes)) {
      if (typeof value === "string") record.setAttribute(key, redactKeys(value) as never);
    }
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const withheld = "[withheld: may quote upstream text]";

/**
 * Genkit's OpenTelemetry setup (what it would start on its first span anyway), with our processor ahead
 * of its own log processor. Resolves once the SDK is registered.
 */
export const telemetryReady: Promise<void> = enableTelemetry({ logRecordProcessor: new UpstreamTextWithholdingLogProcessor() });

export const ai = genkit({
  plugins: [googleAI({ apiKey: false, baseUrl: geminiApiBaseUrl() })],
});
