import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dropMidAnswerMarker } from "../../dev/stand-in-http/answer-faults";
import { generateQuestionsForUser, type GenerationDeps } from "../../functions/src/ai/generate-for-user";
import { defaultRetryPolicy } from "../../functions/src/ai/transient-retry";
import { AppError, toHttpsError } from "../../functions/src/errors";
import type { Provider } from "../../functions/src/providers";
import { fakeAnthropicKey, fakeGeminiKey, fakeOpenAiKey } from "../support/keys";
import { anthropicStandIn, geminiStandIn, openAiStandIn } from "../support/hooks";

/**
 * No provider request is sent twice, and none goes anywhere but the provider's origin: a generation for
 * each provider, through the real orchestration (generate-for-user), the user-key model with its retry
 * policy and the real adapter (provider-apis/<provider>/generate.ts, the SDKs as deployed), over HTTP to
 * the provider's stand-in. docs/deploy-dependencies.md says which lines of each SDK this rests on.
 */

interface Case {
  provider: Provider;
  label: string;
  model: string;
  key: (marker?: string) => string;
  /** The stand-in's generation requests carrying `apiKey`, and the way to give that key a fault. */
  standIn: () => {
    url: string;
    requests: ReadonlyArray<{ apiKey?: string; model?: string; method: string; body?: unknown }>;
    setBehaviour(apiKey: string, behaviour: { outcome: "ok"; fault: { kind: "redirect"; location: string } }): void;
  };
}

const cases: Case[] = [
  { provider: "googleai", label: "Gemini", model: "gemini-flash-latest", key: (marker) => fakeGeminiKey(marker), standIn: geminiStandIn },
  { provider: "openai", label: "OpenAI", model: "gpt-6-luna", key: (marker) => fakeOpenAiKey(marker), standIn: openAiStandIn },
  { provider: "anthropic", label: "Anthropic", model: "claude-haiku-5-5", key: (marker) => fakeAnthropicKey(marker), standIn: anthropicStandIn },
];

/** The caller's own stored key for `provider`, and everything else a generation needs, in memory. */
function depsFor({ provider, model, standIn }: Case, apiKey: string): GenerationDeps {
  const stored = { apiKey, keyId: "key-1" };
  return {
    vault: {
      readApiKey: async (_uid, requested) => (requested === provider ? stored : null),
      readPreferredApiKey: async () => ({ ...stored, provider }),
      recordFailedUse: async () => {},
      recordUse: async () => {},
    },
    defaultKey: {
      allowed: false,
      dailyCap: 0,
      readKey: () => "",
      consumeAllowance: async () => {},
      project: { ensureClosed: async () => {}, consumeBudget: async () => {} },
    },
    ownKey: { countCall: async () => {} },
    sharedKey: { recordQuotaFailure: async () => {} },
    upstream: () => ({ model, baseUrl: standIn().url }),
    // The deployed policy (3 attempts a call), without the backoff's wait.
    call: { retry: { ...defaultRetryPolicy, baseDelayMs: 1 } },
  };
}

const account = { emailVerified: true, signInProvider: "password" };
const questions = { jobTitle: "Platform engineer", interviewType: "technical" as const, count: 3 };

/** What the callable's client receives for the failed generation. */
async function clientFailureOf(run: Promise<unknown>) {
  const error = await run.then(
    () => assert.fail("expected the generation to fail"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AppError, `a typed error, not ${String(error)}`);
  const { code, message, details } = toHttpsError(error);
  return { code, message, reason: (details as { reason?: string }).reason };
}

/** A second origin that records every request it receives (and would answer it, were it asked). */
async function startOtherOrigin(): Promise<{ url: string; received: Array<{ method?: string; url?: string }>; stop(): Promise<void> }> {
  const received: Array<{ method?: string; url?: string }> = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    received.push({ method: request.method, url: request.url });
    request.resume();
    response.writeHead(500, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("provider requests: sent once, to the provider only", () => {
  for (const testCase of cases) {
    describe(testCase.label, () => {
      const generationsWith = (apiKey: string) => testCase.standIn().requests.filter((request) => request.method === "POST" && request.apiKey === apiKey);

      it("a connection dropped half-way through the answer: exactly one request, and the user is told nothing is charged twice", async () => {
        const apiKey = testCase.key(dropMidAnswerMarker);
        const failure = await clientFailureOf(generateQuestionsForUser({ uid: "alice", account, progress: () => {} }, { ...questions, provider: testCase.provider }, depsFor(testCase, apiKey)));

        assert.equal(generationsWith(apiKey).length, 1, "the provider generated (and billed) one answer; it was not asked again");
        assert.deepEqual(failure, {
          code: "unavailable",
          reason: "AI_UNAVAILABLE",
          message: `${testCase.label} did not answer in time. It was not asked again, so nothing is charged twice; try again in a moment.`,
        });
      });

      it("a 307 to another origin: the other origin receives nothing, and the user gets a typed error", async () => {
        const otherOrigin = await startOtherOrigin();
        try {
          const apiKey = testCase.key();
          testCase.standIn().setBehaviour(apiKey, { outcome: "ok", fault: { kind: "redirect", location: otherOrigin.url } });
          const failure = await clientFailureOf(generateQuestionsForUser({ uid: "alice", account, progress: () => {} }, { ...questions, provider: testCase.provider }, depsFor(testCase, apiKey)));

          assert.deepEqual(otherOrigin.received, [], "the POST (answers, job description, key header) never went to the other origin");
          assert.equal(failure.code, "unavailable");
          assert.equal(failure.reason, "AI_UNAVAILABLE");
          assert.ok(generationsWith(apiKey).length >= 1);
        } finally {
          await otherOrigin.stop();
        }
      });
    });
  }

  it("Gemini: no sampling parameters (temperature, topP, topK) in the request, only the output cap and the thinking level", async () => {
    const apiKey = fakeGeminiKey();
    const gemini = cases[0];
    await generateQuestionsForUser({ uid: "alice", account, progress: () => {} }, { ...questions, provider: "googleai" }, depsFor(gemini, apiKey));
    const [request] = postsWith(geminiStandIn().requests, apiKey);
    const generationConfig = (request?.body as { generationConfig?: Record<string, unknown> } | undefined)?.generationConfig;
    assert.ok(generationConfig, "the request reached the stand-in");
    for (const deprecated of ["temperature", "topP", "topK", "top_p", "top_k"]) assert.equal(deprecated in generationConfig, false, `${deprecated} is not sent`);
    assert.deepEqual(generationConfig.thinkingConfig, { thinkingLevel: "LOW" });
    assert.equal(typeof generationConfig.maxOutputTokens, "number");
  });
});

function postsWith<Request extends { method: string; apiKey?: string }>(requests: readonly Request[], apiKey: string): Request[] {
  return requests.filter((request) => request.method === "POST" && request.apiKey === apiKey);
}
