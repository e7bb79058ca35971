/**
 * Run as its own process by test/integration/genkit-monitoring-cloud-logging.test.ts: Genkit Monitoring
 * exactly as production runs it (functions/src/ai/genkit.ts with GENKIT_MONITORING=on, Genkit's env
 * "prod"), so Google's own clients write to Cloud Logging and Cloud Trace — which the test has routed to
 * its local stand-ins (grpc_proxy, GCE_METADATA_HOST). It talks to the test over stdio:
 *   1. writes one Genkit log line (the test has staged the Logging stand-in to reject it, so
 *      @genkit-ai/google-cloud re-initialises Genkit's logger), then waits for "go" on stdin;
 *   2. logs a canary carrying a key, runs the flows on PROBE_KEYS (an object of name → key) against
 *      the Gemini stand-in, and logs "probe done";
 *   3. controls, outside the key policy: a line carrying PROBE_CONTROL_KEY through Google's own Genkit
 *      log sink (GcpLogger, as Monitoring builds it) and a span carrying it, so the test can see that a
 *      key which does reach the stand-ins is found there;
 *   4. flushes the spans, prints "probe flushed", and exits on "exit".
 */
import { trace } from "@opentelemetry/api";
import { createInterface } from "node:readline";

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function waitFor(word: string): Promise<void> {
  for (;;) {
    const next = await stdinLines.next();
    if (next.done) throw new Error(`stdin closed before "${word}"`);
    if (next.value.trim() === word) return;
  }
}

async function main() {
  const keys = JSON.parse(process.env.PROBE_KEYS ?? "{}") as Record<string, string>;
  const controlKey = process.env.PROBE_CONTROL_KEY ?? "";
  // Imported the way genkit.ts imports @genkit-ai/firebase (dynamically): one module instance.
  const { GcpLogger, __forceFlushSpansForTesting } = await import("@genkit-ai/google-cloud");
  const { telemetryReady } = await import("../../functions/src/ai/genkit.js");
  await telemetryReady;
  const { logger } = await import("genkit/logging");
  const { interviewQuestionsFlow } = await import("../../functions/src/ai/flows/interview-questions.js");
  const { providerCallContext } = await import("../../functions/src/ai/user-key-model.js");
  const { providerApiBaseUrl } = await import("../../functions/src/config.js");

  logger.info("probe first write");
  console.log("probe waiting for go");
  await waitFor("go");

  logger.info(`probe canary ${keys.ok}`);
  for (const apiKey of Object.values(keys)) {
    const context = providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey, model: "gemini-flash-latest", retry: { maxAttempts: 1, baseDelayMs: 10 } });
    await interviewQuestionsFlow.run({ jobTitle: "Site reliability engineer", interviewType: "mixed", count: 2 }, { context }).catch(() => undefined);
  }
  logger.info("probe done");

  const config = { projectId: process.env.GCLOUD_PROJECT, export: true } as ConstructorParameters<typeof GcpLogger>[0];
  const googleSink = await new GcpLogger(config).getLogger("prod");
  googleSink.error(`probe control ${controlKey}`);
  trace.getTracer("probe").startSpan("probe control span", { attributes: { "probe/control": controlKey } }).end();

  __forceFlushSpansForTesting();
  console.log("probe flushed");
  await waitFor("exit");
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error("probe failed:", error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : typeof error);
  process.exit(1);
});
