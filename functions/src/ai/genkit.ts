import { googleAI } from "@genkit-ai/google-genai";
import { logger as functionsLogger } from "firebase-functions";
import { genkit } from "genkit";
import { logger as genkitLogger } from "genkit/logging";
import { enableTelemetry } from "genkit/tracing";
import { geminiApiBaseUrl, genkitMonitoringEnabled } from "../config";
import { describeError } from "../logs";
import { redactDeep, redactKeys } from "./key-redaction";

/**
 * The one Genkit instance. This module (and everything that imports it) is loaded only by the AI
 * callables, lazily, so key management never pays for Genkit.
 *
 * The googleAI plugin has no key of its own (`apiKey: false`): every call brings the caller's key,
 * applied by the user-key model at the last step (see user-key-model.ts).
 */

/** Where Genkit's log lines go: Cloud Logging through firebase-functions, or Genkit Monitoring's own sink. */
interface LogSink {
  debug(...args: unknown[]): unknown;
  info(...args: unknown[]): unknown;
  warn(...args: unknown[]): unknown;
  error(...args: unknown[]): unknown;
}

/**
 * Puts the key policy in front of `sink` as Genkit's logger. The Gemini plugin logs every upstream
 * failure with Google's response text, which can quote the key (a suspended consumer's message names
 * it). So errors Genkit reports are logged by type only — our own log line says what failed — and
 * key-shaped text is scrubbed from everything else.
 */
function routeGenkitLogs(sink: LogSink): void {
  genkitLogger.init({
    level: "info",
    debug: (...args: unknown[]) => sink.debug(...(redactDeep(args) as unknown[])),
    info: (...args: unknown[]) => sink.info(...(redactDeep(args) as unknown[])),
    warn: (...args: unknown[]) => sink.warn(...(redactDeep(args) as unknown[])),
    error: (...args: unknown[]) => sink.error("genkit reported an error", { errorType: errorTypeOf(args) }),
  });
}

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
 * Genkit Monitoring (production only, see config.ts): Firebase telemetry with input and output logging
 * off, so spans carry "<redacted>" in place of prompts and answers, and without OpenTelemetry's
 * auto-instrumentation (HTTP and the like), which Genkit's own spans do not need and which would add to
 * every cold start. It installs Google's log sink as Genkit's logger; the key policy then goes back in
 * front of it. Loaded only here, so instances without Monitoring never load it.
 */
async function enableGenkitMonitoring(): Promise<void> {
  try {
    const { enableFirebaseTelemetry } = await import("@genkit-ai/firebase");
    await enableFirebaseTelemetry({ disableLoggingInputAndOutput: true, autoInstrumentation: false });
  } catch (error) {
    // Monitoring is for the operator; without it the product still works.
    functionsLogger.error("Genkit Monitoring could not start", describeError(error));
  }
  // Genkit keeps its logger on the global object (genkit/logging); this is the sink Monitoring just set.
  routeGenkitLogs((globalThis as { __genkit_logger?: LogSink }).__genkit_logger ?? functionsLogger);
}

/**
 * Resolves once telemetry is set up: Genkit Monitoring in production; elsewhere Genkit's local
 * OpenTelemetry setup (what it would start on its first span anyway), with our processor ahead of its
 * own log processor.
 */
export const telemetryReady: Promise<void> = (() => {
  routeGenkitLogs(functionsLogger);
  return genkitMonitoringEnabled()
    ? enableGenkitMonitoring()
    : enableTelemetry({ logRecordProcessor: new UpstreamTextWithholdingLogProcessor() });
})();

export const ai = genkit({
  plugins: [googleAI({ apiKey: false, baseUrl: geminiApiBaseUrl() })],
});
