import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { cloudLoggingHost, permissionDenied, startCloudLoggingStandIn, type CloudLoggingStandIn } from "../../dev/cloud-logging-stand-in/server";
import { cloudTraceHost, startCloudTraceStandIn, type CloudTraceStandIn } from "../../dev/cloud-trace-stand-in/server";
import { createStandInCertificate, type StandInCertificate } from "../../dev/google-cloud-front/certificate";
import { startConnectProxy, type ConnectProxy } from "../../dev/google-cloud-front/connect-proxy";
import { startMetadataServer, type MetadataServer } from "../../dev/google-cloud-front/metadata-server";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey, keyShaped } from "../support/keys";
import { waitUntil } from "../support/wait";

/**
 * Genkit Monitoring as production runs it: Google's own logging client (@genkit-ai/google-cloud's
 * GcpLogger → @google-cloud/logging-winston → @google-cloud/logging, gRPC) and trace exporter
 * (@google-cloud/opentelemetry-cloud-trace-exporter, gRPC), unchanged, reaching local stand-ins of the
 * Cloud Logging and Cloud Trace APIs over TLS through grpc_proxy. The Logging stand-in rejects the first
 * write, as it does for an account without roles/logging.logWriter, so Genkit re-initialises its logger;
 * then a suspended key's 403, whose text quotes the key, is logged. Nothing key-shaped may arrive.
 */

const projectId = "demo-telemetry-probe";

describe("Genkit Monitoring against Cloud Logging and Cloud Trace stand-ins: no key arrives, even after a rejected write", function () {
  this.timeout(330_000);
  let certificate: StandInCertificate;
  let logging: CloudLoggingStandIn;
  let tracing: CloudTraceStandIn;
  let metadata: MetadataServer;
  let proxy: ConnectProxy;

  before(async () => {
    certificate = createStandInCertificate([cloudLoggingHost, cloudTraceHost]);
    logging = await startCloudLoggingStandIn(certificate);
    tracing = await startCloudTraceStandIn(certificate);
    metadata = await startMetadataServer({ projectId });
    proxy = await startConnectProxy({ [`${cloudLoggingHost}:443`]: logging.port, [`${cloudTraceHost}:443`]: tracing.port });
  });
  after(async () => {
    await proxy?.stop();
    await metadata?.stop();
    await tracing?.stop();
    await logging?.stop();
    certificate?.dispose();
    geminiStandIn().reset();
  });

  it("logs the suspended key's 403 by type and exports spans without a key; the controls, sent around the policy, arrive with theirs", async () => {
    const keys = { ok: fakeGeminiKey(), suspended: fakeGeminiKey("suspended"), invalid: fakeGeminiKey("invalidkey") };
    const controlKey = fakeGeminiKey();
    logging.rejectNext(1, permissionDenied);
    const probe = startProbe(keys, controlKey, { proxyUrl: proxy.url, rootsFile: certificate.rootsFile, metadataHost: metadata.host });

    // The first write is rejected, and @genkit-ai/google-cloud installs a new logger.
    await explained(probe, proxy, () => [], () => waitUntil("the probe's first write was rejected and Genkit initialised a new logger", async () =>
      probe.exited() ? fail(probe) : logging.calls.some((call) => call.rejected) && probe.output().includes("Initialized a new GcpLogger."),
      // Loading Genkit, its telemetry and Google's clients in a fresh process takes a while on a busy machine.
      { timeoutMs: 150_000 },
    ));
    probe.child.stdin.write("go\n");

    const loggingText = () => logging.calls.filter((call) => !call.rejected).map((call) => call.text);
    const errorWrites = () =>
      logging.calls.filter((call) => !call.rejected && !call.text.includes("probe control") && call.request.entries?.some((entry) => entry.severity === "ERROR"));
    const traceText = () => tracing.calls.map((call) => call.text);
    const arrivals: Record<string, () => boolean> = {
      "the canary": () => loggingText().some((text) => text.includes("probe canary")),
      "two upstream errors": () => errorWrites().length >= 2,
      "the end marker": () => loggingText().some((text) => text.includes("probe done")),
      "the control line": () => loggingText().some((text) => text.includes("probe control")),
      "the flushed spans": () => probe.output().includes("probe flushed"),
      "a flow span per key": () => (traceText().join("\n").match(/interviewQuestions/g) ?? []).length >= Object.keys(keys).length,
      "the control span": () => traceText().some((text) => text.includes("probe control span")),
    };
    const missing = () => Object.keys(arrivals).filter((name) => !arrivals[name]());
    await explained(probe, proxy, missing, () =>
      waitUntil("every record reached the stand-ins", async () => (probe.exited() ? fail(probe) : missing().length === 0), { timeoutMs: 150_000 }),
    );
    probe.child.stdin.write("exit\n");

    // The runs did what they should, so there was something to leak.
    assert.ok(geminiStandIn().requests.some((request) => request.apiKey === keys.suspended), "the suspended key reached Gemini");
    assert.ok(metadata.tokenRequests() > 0, "Google's clients authenticated through the metadata stand-in");

    // The controls, sent around the key policy, arrive with their key: the stand-ins would show a leak.
    const controlLine = loggingText().find((text) => text.includes("probe control"));
    assert.ok(controlLine?.includes(controlKey) && keyShaped.test(controlLine), "a key sent through Google's sink unredacted arrives verbatim");
    const controlSpans = tracing.calls.filter((call) => call.text.includes("probe control span"));
    assert.ok(controlSpans.some((call) => call.text.includes(controlKey)), "a key in a span attribute arrives verbatim");

    // Everything else: no key, before or after the rejected write.
    for (const call of logging.calls) {
      if (call.text.includes("probe control")) continue;
      assert.ok(!keyShaped.test(call.text), `a WriteLogEntries request holds a key-shaped string: …${call.text.slice(Math.max(0, call.text.search(keyShaped) - 60), call.text.search(keyShaped) + 6)}…`);
    }
    const canary = loggingText().find((text) => text.includes("probe canary"));
    assert.ok(canary?.includes("probe canary [redacted key]"), "the canary passed the policy after Genkit's logger was re-initialised");
    assert.ok(loggingText().some((text) => text.includes("genkit reported an error")), "the upstream failures were logged, by type");
    for (const call of tracing.calls) {
      const withoutControl = call.text.includes("probe control span") ? call.text.replaceAll(controlKey, "") : call.text;
      assert.ok(!keyShaped.test(withoutControl), "a BatchWriteSpans request holds a key-shaped string");
    }
    assert.ok(!keyShaped.test(probe.output().replaceAll(controlKey, "")), "the probe's console output holds a key-shaped string");
    await probe.done;
  });
});

interface Probe {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  exited(): boolean;
  done: Promise<void>;
}

function startProbe(keys: Record<string, string>, controlKey: string, front: { proxyUrl: string; rootsFile: string; metadataHost: string }): Probe {
  // Genkit's env is "prod" (export on) and credentials come from the metadata server, as on Cloud Functions.
  const environment = { ...process.env };
  delete environment.GENKIT_ENV;
  delete environment.GOOGLE_APPLICATION_CREDENTIALS;
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../support/cloud-logging-probe.ts")], {
    env: {
      ...environment,
      GENKIT_MONITORING: "on",
      GCLOUD_PROJECT: projectId,
      GOOGLE_CLOUD_PROJECT: projectId,
      GEMINI_API_BASE_URL: geminiStandIn().url,
      // Google's clients keep their built-in endpoints; gRPC tunnels to the stand-ins and trusts their certificate.
      grpc_proxy: front.proxyUrl,
      no_grpc_proxy: "",
      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: front.rootsFile,
      GCE_METADATA_HOST: front.metadataHost,
      PROBE_KEYS: JSON.stringify(keys),
      PROBE_CONTROL_KEY: controlKey,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let exitCode: number | null | undefined;
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const done = new Promise<void>((resolve, reject) =>
    child.once("exit", (code) => {
      exitCode = code;
      if (code === 0) resolve();
      else reject(new Error(`the probe exited with ${code}: ${output.slice(-2000)}`));
    }),
  );
  done.catch(() => undefined);
  return { child, output: () => output, exited: () => exitCode !== undefined, done };
}

/** On a timeout, says what the probe printed and where its gRPC calls went. */
async function explained(probe: Probe, proxy: ConnectProxy, missing: () => string[], wait: () => Promise<void>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = `Missing: ${missing().join(", ") || "-"}\nTunnels asked for: ${proxy.targets.join(", ") || "none"}\nProbe output: ${probe.output().slice(-3000)}`;
    throw new Error(`${message}\n${details}`, { cause: error });
  }
}

function fail(probe: Probe): never {
  throw new Error(`the probe exited early: ${probe.output().slice(-3000)}`);
}
