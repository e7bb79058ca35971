/**
 * Run as its own process by test/integration/genkit-monitoring.test.ts, because telemetry is global to
 * a process and the mocha process already has Genkit's local setup. With GENKIT_MONITORING=on and
 * GENKIT_ENV=dev it starts the production Monitoring path (functions/src/ai/genkit.ts), whose Genkit
 * pipeline then exports to its in-memory exporter instead of Google. It runs the real flows on the keys
 * it is given (PROBE_KEYS, a JSON object of name → key) against the stand-in, then writes what that
 * pipeline exported — spans as Google would receive them, and Genkit's log lines — to PROBE_OUTPUT.
 */
import { writeFileSync } from "node:fs";
import { Writable } from "node:stream";

async function main() {
  const keys = JSON.parse(process.env.PROBE_KEYS ?? "{}") as Record<string, string>;
  const logLines: string[] = [];
  // Imported the way genkit.ts imports @genkit-ai/firebase (dynamically), so both reach the same module
  // instance of its testing hooks rather than one CommonJS and one ES module copy.
  const { __addTransportStreamForTesting, __forceFlushSpansForTesting, __getSpanExporterForTesting, __useJsonFormatForTesting } =
    await import("@genkit-ai/google-cloud");
  // Must be in place before Monitoring builds its logger, which reads it once.
  __useJsonFormatForTesting();
  __addTransportStreamForTesting(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    }),
  );

  const { telemetryReady } = await import("../../functions/src/ai/genkit.js");
  await telemetryReady;
  const { logger } = await import("genkit/logging");
  const { interviewQuestionsFlow } = await import("../../functions/src/ai/flows/interview-questions.js");
  const { providerCallContext } = await import("../../functions/src/ai/user-key-model.js");
  const { providerApiBaseUrl } = await import("../../functions/src/config.js");

  // A log line that carries a key on purpose: the capture must see it, redacted.
  logger.info(`probe canary ${keys.ok}`);
  // The Firestore operations an AI call makes (a read, a commit), through the functions' own client.
  const { firestore } = await import("../../functions/src/platform/admin.js");
  const probeDoc = firestore().collection("genkitMonitoringProbe").doc();
  await probeDoc.set({ at: new Date() });
  await probeDoc.get();
  const outcomes: Record<string, string> = {};
  for (const [name, apiKey] of Object.entries(keys)) {
    const context = providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey, model: "gemini-flash-latest", retry: { maxAttempts: 2, baseDelayMs: 10 } });
    outcomes[name] = await interviewQuestionsFlow
      .run({ jobTitle: "Site reliability engineer", interviewType: "mixed", count: 2 }, { context })
      .then(() => "ok", (error: Error) => `${error.name}:${error.message}`);
  }

  __forceFlushSpansForTesting();
  const exporter = __getSpanExporterForTesting();
  // The batch processor hands spans over asynchronously: wait until the flows' spans have arrived.
  const deadline = Date.now() + 10_000;
  while (exporter.getFinishedSpans().filter((span) => span.name === "interviewQuestions").length < Object.keys(keys).length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
  }));
  writeFileSync(process.env.PROBE_OUTPUT!, JSON.stringify({ outcomes, spans, logLines }));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error("probe failed:", error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : typeof error);
  process.exit(1);
});
