import assert from "node:assert/strict";
import { trace, type ProxyTracerProvider } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor, type LoggerProvider } from "@opentelemetry/sdk-logs";
import { InMemorySpanExporter, SimpleSpanProcessor, type BasicTracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { answerFeedbackFlow } from "../../functions/src/ai/flows/answer-feedback";
import { interviewQuestionsFlow } from "../../functions/src/ai/flows/interview-questions";
import { ai, telemetryReady } from "../../functions/src/ai/genkit";
import { providerCallContext } from "../../functions/src/ai/user-key-model";
import { providerApiBaseUrl } from "../../functions/src/config";
import { maskedKey } from "../../dev/openai-stand-in/error-bodies";
import type { Provider } from "../../functions/src/providers";
import { anthropicStandIn, geminiStandIn, openAiStandIn, openRouterStandIn } from "../support/hooks";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey, fakeOpenRouterKey, keyShaped } from "../support/keys";

/**
 * The key must never reach anything Genkit records. This runs the real flows in-process against the
 * Gemini stand-in, with in-memory exporters attached to the OpenTelemetry pipeline Genkit itself set
 * up, and captures everything written to stdout/stderr meanwhile; then looks for the keys everywhere.
 */


describe("AI flows: the key stays out of spans and logs", function () {
  this.timeout(60_000);
  const spans = new InMemorySpanExporter();
  const logRecords = new InMemoryLogRecordExporter();

  before(async () => {
    // npm test points GEMINI_API_BASE_URL (read when genkit.ts loads) at the stand-in.
    assert.equal(process.env.GEMINI_API_BASE_URL?.replace(/^http:\/\//, ""), geminiStandIn().url.replace(/^http:\/\//, ""));
    await telemetryReady;
    const tracerProvider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as BasicTracerProvider;
    tracerProvider.addSpanProcessor(new SimpleSpanProcessor(spans));
    (logs.getLoggerProvider() as LoggerProvider).addLogRecordProcessor(new SimpleLogRecordProcessor(logRecords));
  });
  afterEach(() => {
    spans.reset();
    logRecords.reset();
    geminiStandIn().reset();
    openAiStandIn().reset();
    anthropicStandIn().reset();
    openRouterStandIn().reset();
  });

  /** Runs `work` while collecting everything the process writes to stdout and stderr. */
  async function capturingOutput(work: () => Promise<void>): Promise<string> {
    let output = "";
    // Kept unbound on purpose: they are put back as they were, and the tap calls them with the stream as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const originals = { out: process.stdout.write, err: process.stderr.write };
    const tap = (original: typeof process.stdout.write) =>
      function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        output += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
        return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof process.stdout.write;
    process.stdout.write = tap(originals.out);
    process.stderr.write = tap(originals.err);
    try {
      await work();
    } finally {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    }
    return output;
  }

  const serialise = (span: ReadableSpan) =>
    JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links });

  it("records no key in any span, log record or log line — on success and on every upstream failure", async () => {
    const standIn = geminiStandIn();
    const keys = {
      ok: fakeGeminiKey(),
      invalid: fakeGeminiKey("invalidkey"),
      suspended: fakeGeminiKey("suspended"), // Google's message and DebugInfo quote this key
      quota: fakeGeminiKey("genquota"),
      overloaded: fakeGeminiKey("overloaded"),
      blocked: fakeGeminiKey("blocked"),
      malformed: fakeGeminiKey(),
    };
    const outcomes: Record<string, string> = {};
    const output = await capturingOutput(async () => {
      for (const [name, apiKey] of Object.entries(keys)) {
        if (name === "malformed") standIn.corruptNextAnswers(2, "malformed-json", apiKey);
        const context = providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey, model: "gemini-flash-latest", retry: { maxAttempts: 2, baseDelayMs: 10 } });
        outcomes[name] = await interviewQuestionsFlow
          .run({ jobTitle: "Site reliability engineer", interviewType: "mixed", count: 2 }, { context })
          .then(() => "ok", (error: Error) => error.name + ":" + error.message);
      }
      await answerFeedbackFlow.run(
        { jobTitle: "Site reliability engineer", items: [{ question: "Tell me about an outage.", answer: "We rolled back first." }] },
        { context: providerCallContext({ provider: "googleai", baseUrl: providerApiBaseUrl("googleai"), apiKey: keys.ok, model: "gemini-flash-latest" }) },
      );
    });

    // The runs did what they should, so there was something to leak.
    assert.equal(outcomes.ok, "ok");
    assert.match(outcomes.suspended, /key_invalid/);
    assert.match(outcomes.quota, /quota/);
    assert.match(outcomes.overloaded, /model_busy/);
    assert.match(outcomes.blocked, /blocked/);
    assert.match(outcomes.malformed, /MalformedAnswerError/);
    for (const apiKey of Object.values(keys)) {
      assert.ok(standIn.requests.some((request) => request.apiKey === apiKey), "the stand-in received every key");
    }

    const finished = spans.getFinishedSpans();
    const names = new Set(finished.map((span) => span.name));
    for (const expected of ["interviewQuestions", "answerFeedback", "generate", "interviewAi/userKeyModel"]) {
      assert.ok(names.has(expected), `a ${expected} span was recorded (got ${[...names].join(", ")})`);
    }
    assert.ok(![...names].some((name) => name.startsWith("googleai/")), "the keyed plugin call records no span");

    for (const span of finished) {
      const recorded = serialise(span);
      assert.ok(!keyShaped.test(recorded), `span ${span.name} holds a key-shaped string`);
    }
    const modelSpan = finished.find((span) => span.name === "interviewAi/userKeyModel")!;
    assert.ok(!String(modelSpan.attributes["genkit:input"]).includes("apiKey"), "the model's recorded input has no apiKey");
    const flowSpan = finished.find((span) => span.name === "interviewQuestions")!;
    assert.match(String(flowSpan.attributes["genkit:metadata:context"]), /"secrets":"<redacted>"/, "the key travelled in the redacted context");

    const records = logRecords.getFinishedLogRecords();
    assert.ok(records.length > 0, "Genkit's log records were captured");
    for (const record of records) {
      assert.ok(!keyShaped.test(JSON.stringify({ body: record.body, attributes: record.attributes })), "a log record holds a key-shaped string");
    }
    assert.ok(output.length > 0, "the run's console output was captured");
    assert.ok(!keyShaped.test(output), "the run's console output holds a key-shaped string");
  });

  it("control: the naive route, the key in the generate config, does show up in spans (so the check above can see a leak)", async () => {
    const apiKey = fakeGeminiKey();
    await ai.generate({ model: "googleai/gemini-flash-latest", prompt: "Say hello.", config: { apiKey } });
    assert.equal(geminiStandIn().requests.at(-1)?.apiKey, apiKey);
    assert.ok(spans.getFinishedSpans().some((span) => serialise(span).includes(apiKey)));
  });

  /** The OpenAI and Anthropic stand-ins share their markers: each outcome, and what the flow run then reports. */
  const sdkStandInOutcomes: Record<string, [marker: string, expected: RegExp]> = {
    ok: ["", /^ok$/],
    invalid: ["invalidkey", /key_invalid/],
    noCredit: ["nocredit", /quota/],
    rateLimited: ["ratelimit", /rate_limited/],
    overloaded: ["overloaded", /model_busy/],
    refused: ["refusal", /blocked/],
    malformed: ["", /MalformedAnswerError/],
  };

  /**
   * The same for the providers whose adapters call their official SDKs: every outcome of a flow run, and
   * a control that puts the key where Genkit does record it (the action context outside `secrets`), so
   * that the search below is shown able to find a key in these spans.
   */
  const otherProviders: Array<{
    provider: Exclude<Provider, "googleai">;
    model: string;
    key: (marker?: string) => string;
    standIn: () => { requests: ReadonlyArray<{ apiKey?: string }>; corruptNextAnswers(count: number, kind: "malformed-json", apiKey?: string): void };
    /** Each outcome, by the stand-in marker that produces it, and what the flow run then reports. */
    outcomes: Record<string, [marker: string, expected: RegExp]>;
    /** What else of the key the provider's own answers quote, which must not be passed on either. */
    echoes: (apiKey: string) => string[];
  }> = [
    {
      provider: "openai",
      model: "gpt-6-luna",
      key: (marker = "") => fakeOpenAiKey(marker),
      standIn: openAiStandIn,
      outcomes: sdkStandInOutcomes,
      // OpenAI's 401 quotes the key masked: its first 8 characters, stars, its last 4.
      echoes: (apiKey) => [maskedKey(apiKey)],
    },
    {
      provider: "anthropic",
      model: "claude-haiku-5-5",
      key: (marker = "") => fakeAnthropicKey(marker),
      standIn: anthropicStandIn,
      outcomes: sdkStandInOutcomes,
      echoes: () => [],
    },
    {
      provider: "openrouter",
      model: "openai/gpt-6-luna",
      key: (marker = "") => fakeOpenRouterKey(marker),
      standIn: openRouterStandIn,
      outcomes: {
        ok: ["", /^ok$/],
        invalid: ["401", /key_invalid/],
        noCredit: ["402", /quota/],
        rateLimited: ["429", /rate_limited/],
        overloaded: ["502", /model_busy/],
        refused: ["403", /blocked/],
        noProvider: ["503", /model_busy/],
        dropped: ["dc0", /no_answer/],
        malformed: ["", /MalformedAnswerError/],
      },
      // The moderation refusal quotes the flagged input (the request's text), never the key; the label is masked.
      echoes: (apiKey) => [apiKey.slice(9, 12) + "..." + apiKey.slice(-3)],
    },
  ];

  for (const { provider, model, key, standIn, outcomes, echoes } of otherProviders) {
    const upstream = (apiKey: string) =>
      providerCallContext({ provider, baseUrl: providerApiBaseUrl(provider), apiKey, model, retry: { maxAttempts: 2, baseDelayMs: 10 } });

    it(`${provider}: records no key in any span, log record or log line — on success and on every upstream failure`, async () => {
      const keys = Object.fromEntries(Object.entries(outcomes).map(([name, [marker]]) => [name, key(marker)]));
      const results: Record<string, string> = {};
      const output = await capturingOutput(async () => {
        for (const [name, apiKey] of Object.entries(keys)) {
          if (name === "malformed") standIn().corruptNextAnswers(2, "malformed-json", apiKey);
          results[name] = await interviewQuestionsFlow
            .run({ jobTitle: "Site reliability engineer", interviewType: "mixed", count: 2 }, { context: upstream(apiKey) })
            .then(() => "ok", (error: Error) => error.name + ":" + error.message);
        }
      });

      for (const [name, [, expected]] of Object.entries(outcomes)) assert.match(results[name], expected, name);
      for (const apiKey of Object.values(keys)) {
        assert.ok(standIn().requests.some((request) => request.apiKey === apiKey), "the stand-in received every key");
      }
      const finished = spans.getFinishedSpans();
      assert.ok(finished.some((span) => span.name === "interviewAi/userKeyModel"), "the model span was recorded");
      const leaks = (text: string) =>
        keyShaped.test(text) || Object.values(keys).some((apiKey) => echoes(apiKey).some((echo) => text.includes(echo)));
      for (const span of finished) assert.ok(!leaks(serialise(span)), `span ${span.name} holds a key or its echo`);
      for (const record of logRecords.getFinishedLogRecords()) {
        assert.ok(!leaks(JSON.stringify({ body: record.body, attributes: record.attributes })), "a log record holds a key or its echo");
      }
      assert.ok(!leaks(output), "the run's console output holds a key or its echo");
    });

    it(`${provider} control: a key put in the recorded part of the context does show up in spans`, async () => {
      const apiKey = key();
      const context = { ...upstream(apiKey), misplaced: { apiKey } };
      await interviewQuestionsFlow.run({ jobTitle: "Site reliability engineer", interviewType: "mixed", count: 1 }, { context });
      assert.ok(standIn().requests.some((request) => request.apiKey === apiKey));
      assert.ok(spans.getFinishedSpans().some((span) => serialise(span).includes(apiKey)));
    });
  }
});
