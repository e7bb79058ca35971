import { logger as functionsLogger } from "firebase-functions";
import { genkit, setGenkitRuntimeConfig } from "genkit";
import { genkitPluginV2, type GenkitPluginV2 } from "genkit/plugin";
import { enableTelemetry } from "genkit/tracing";
import { geminiApiBaseUrl, genkitMonitoringEnabled } from "../config";
import { describeError } from "../logs";
import { holdKeyPolicyOnGenkitLogger } from "../redaction/genkit-logger-policy";
import { redactKeys } from "../redaction/key-redaction";

/**
 * The one Genkit instance. This module (and everything that imports it) is loaded only by the AI
 * callables, lazily, so key management never pays for Genkit.
 *
 * The googleAI plugin has no key of its own (`apiKey: false`): every call brings the caller's key,
 * applied by the user-key model at the last step (see user-key-model.ts). It loads on the first Gemini call.
 */

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
 * every cold start. It installs Google's log sink as Genkit's logger, and installs a fresh one whenever a
 * write to Cloud Logging fails; the key policy wraps each of them as it is installed
 * (genkit-logger-policy.ts). Loaded only here, so instances without Monitoring never load it.
 */
async function enableGenkitMonitoring(): Promise<void> {
  try {
    const { enableFirebaseTelemetry } = await import("@genkit-ai/firebase");
    await enableFirebaseTelemetry({ disableLoggingInputAndOutput: true, autoInstrumentation: false });
  } catch (error) {
    // Monitoring is for the operator; without it the product still works.
    functionsLogger.error("Genkit Monitoring could not start", describeError(error));
  }
}

/**
 * Resolves once telemetry is set up: Genkit Monitoring in production; elsewhere Genkit's local
 * OpenTelemetry setup (what it would start on its first span anyway), with our processor ahead of its
 * own log processor.
 */
export const telemetryReady: Promise<void> = (() => {
  holdKeyPolicyOnGenkitLogger(functionsLogger);
  return genkitMonitoringEnabled()
    ? enableGenkitMonitoring()
    : enableTelemetry({ logRecordProcessor: new UpstreamTextWithholdingLogProcessor() });
})();

/**
 * The googleAI plugin, loaded on the first lookup of a Gemini model: Genkit asks a plugin for an action
 * only when one in its namespace ("googleai/…") is looked up, so an instance whose callers pay with
 * OpenAI or Anthropic keys never loads @genkit-ai/google-genai.
 */
function googleAIOnFirstUse(): GenkitPluginV2 {
  let loaded: Promise<GenkitPluginV2> | undefined;
  const plugin = () => (loaded ??= import("../provider-apis/gemini/plugin.js").then(({ googleAIPlugin }) => googleAIPlugin(geminiApiBaseUrl())));
  return genkitPluginV2({
    name: "googleai",
    init: async () => (await plugin()).init?.() ?? [],
    resolve: async (actionType, name) => (await plugin()).resolve?.(actionType, name),
    list: async () => (await plugin()).list?.() ?? [],
  });
}

/**
 * Genkit checks every answer against the output schema with a validator it keeps per schema object, but
 * the schema reaches that check as a fresh copy on every call (it deep-copies the model request:
 * `stripUndefinedProps` in @genkit-ai/core 1.42's utils.js). In its default mode ("compile") that means
 * generating and compiling an Ajv validator per call: about 4 ms of CPU on an idle core, the largest
 * item in a warm call's profile (docs/bench.md). "interpret" validates with @cfworker/json-schema (a
 * dependency of @genkit-ai/core) and generates no code; the checks are the same JSON Schema, and our
 * flows check the answer with zod afterwards as well. Setting it logs a warning from Genkit asking that
 * @cfworker/json-schema be installed; it is.
 */
setGenkitRuntimeConfig({ jsonSchemaMode: "interpret" });

// No prompt folder: the flows build their prompts in code (Genkit would otherwise look for ./prompts at start).
export const ai = genkit({ plugins: [googleAIOnFirstUse()], promptDir: null });
