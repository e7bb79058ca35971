import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { geminiStandIn } from "../support/hooks";
import { fakeGeminiKey, keyShaped } from "../support/keys";

/**
 * Genkit Monitoring, the production telemetry path, with Google's exporters swapped for Genkit's own
 * in-memory ones (its dev mode): what it would export for real flow runs holds no key. The pipeline is
 * global to a process, so it runs in a child process (test/support/genkit-monitoring-probe.ts).
 */

interface ProbeResult {
  outcomes: Record<string, string>;
  spans: Array<{ name: string; attributes: Record<string, unknown> }>;
  logLines: string[];
}

function runProbe(keys: Record<string, string>): Promise<{ result: ProbeResult; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "genkit-monitoring-"));
  const outputFile = join(dir, "probe.json");
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../support/genkit-monitoring-probe.ts")], {
    env: {
      ...process.env,
      GENKIT_MONITORING: "on",
      GENKIT_ENV: "dev",
      GEMINI_API_BASE_URL: geminiStandIn().url,
      PROBE_KEYS: JSON.stringify(keys),
      PROBE_OUTPUT: outputFile,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      try {
        if (code !== 0) throw new Error(`the probe exited with ${code}: ${output.slice(-2000)}`);
        resolve({ result: JSON.parse(readFileSync(outputFile, "utf8")) as ProbeResult, output });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe("Genkit Monitoring (production telemetry, in-memory exporters)", function () {
  this.timeout(90_000);
  const keys = {
    ok: fakeGeminiKey(),
    suspended: fakeGeminiKey("suspended"), // Google's message and DebugInfo quote this key
    invalid: fakeGeminiKey("invalidkey"),
    quota: fakeGeminiKey("genquota"),
    overloaded: fakeGeminiKey("overloaded"),
  };
  let probe: { result: ProbeResult; output: string };
  let requests: ReturnType<typeof geminiStandIn>["requests"];
  before(async () => {
    probe = await runProbe(keys);
    requests = [...geminiStandIn().requests];
  });
  after(() => geminiStandIn().reset());

  it("exports spans with prompts and answers redacted and no key, and log lines with every key scrubbed", () => {
    const { result, output } = probe;

    // The runs did what they should, so there was something to leak.
    assert.equal(result.outcomes.ok, "ok");
    assert.match(result.outcomes.suspended, /key_invalid/);
    assert.match(result.outcomes.quota, /quota/);
    for (const apiKey of Object.values(keys)) {
      assert.ok(requests.some((request) => request.apiKey === apiKey), "the stand-in received every key");
    }

    const names = new Set(result.spans.map((span) => span.name));
    for (const expected of ["interviewQuestions", "interviewAi/userKeyModel"]) {
      assert.ok(names.has(expected), `Monitoring exported a ${expected} span (got ${[...names].join(", ")})`);
    }
    const flowSpans = result.spans.filter((span) => span.name === "interviewQuestions");
    assert.ok(flowSpans.every((span) => span.attributes["genkit/input"] === "<redacted>"), "input logging is off");
    assert.ok(flowSpans.some((span) => span.attributes["genkit/output"] === "<redacted>"), "the successful run's output is redacted");
    assert.ok(flowSpans.every((span) => [undefined, "<redacted>"].includes(span.attributes["genkit/output"] as string | undefined)), "output logging is off");
    for (const span of result.spans) assert.ok(!keyShaped.test(JSON.stringify(span)), `exported span ${span.name} holds a key-shaped string`);

    const canary = result.logLines.find((line) => line.includes("probe canary"));
    assert.ok(canary?.includes("[redacted key]"), "Genkit's log lines reach Monitoring's sink through the key policy");
    assert.ok(result.logLines.some((line) => line.includes("genkit reported an error")), "the upstream failures were logged, by type");
    for (const line of result.logLines) assert.ok(!keyShaped.test(line), "a Monitoring log line holds a key-shaped string");
    assert.ok(!keyShaped.test(output), "the probe's console output holds a key-shaped string");
  });

  it("exports the flows' spans, not the Firestore client's", () => {
    // The probe wrote and read a document through the functions' Firestore while Monitoring was on.
    const { spans } = probe.result;
    assert.ok(spans.some((span) => span.name === "interviewQuestions"), "Monitoring exported the flows' spans");
    const firestoreSpans = spans.filter((span) => Object.keys(span.attributes).some((name) => name.startsWith("gcp.firestore.")));
    assert.deepEqual(firestoreSpans.map((span) => span.name), [], "Monitoring exported the Firestore client's spans");
  });
});
