import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  accessTokenTypeUnsupportedError,
  consumerSuspendedError,
  expiredKeyError,
  internalError,
  invalidKeyError,
  invalidThinkingConfigError,
  modelNotFoundError,
  overloadedError,
  quotaExceededError,
  serviceBlockedError,
  type GoogleError,
} from "../../dev/gemini-stand-in/error-bodies";
import { verifyKey } from "../../functions/src/keys/verify-key";
import type { ErrorAction, Reason } from "../../functions/src/contract";
import { AppError, toHttpsError } from "../../functions/src/errors";
import { assertNoKeyLogged, captureLogs, messageOf } from "../support/function-logs";
import { fakeGeminiKey, keyShaped } from "../support/keys";

/**
 * The save-time key check against a tiny "Google" on loopback (an ephemeral port, no network): each
 * answer Google can give to `models.get` becomes a key state or a typed error, and nothing of Google's
 * text, nor the key, reaches the user or the logs.
 */

const model = "gemini-test-model";
const getModelMethod = "google.ai.generativelanguage.v1beta.ModelService.GetModel";

interface SeenRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

/** A loopback HTTP server that answers with whatever the current test sets, and records what it received. */
async function fakeGoogle() {
  const seen: SeenRequest[] = [];
  let answer: (response: ServerResponse) => void = (response) => response.writeHead(500).end();
  const server: Server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    request.resume();
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answerWith(next: (response: ServerResponse) => void) {
      answer = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (httpStatus: number, body: unknown) => (response: ServerResponse) =>
  response.writeHead(httpStatus, { "content-type": "application/json" }).end(JSON.stringify(body));
const googleAnswer = ({ httpStatus, body }: GoogleError) => json(httpStatus, body);

/** What the client of setApiKey receives when the check refuses. */
function clientFailure(error: unknown) {
  assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
  const { code, message, details } = toHttpsError(error);
  return { code, message, details: details as { reason: Reason; action?: ErrorAction } };
}

describe("verifyKey for Gemini (the save-time check, against a loopback Google)", () => {
  let google: Awaited<ReturnType<typeof fakeGoogle>>;
  before(async () => {
    google = await fakeGoogle();
  });
  after(() => google.stop());
  beforeEach(() => google.seen.splice(0));

  const check = (apiKey: string, timeoutMs = 5_000) => verifyKey("googleai", apiKey, { baseUrl: google.url, model, timeoutMs });

  it("asks for the configured model with the key in a header, never in the URL", async () => {
    const apiKey = fakeGeminiKey();
    google.answerWith(json(200, { name: `models/${model}` }));
    assert.equal(await verifyKey("googleai", apiKey, { baseUrl: google.url, model: "tuned/model one", timeoutMs: 5_000 }), "active");
    assert.equal(google.seen.length, 1);
    assert.equal(google.seen[0].method, "GET");
    assert.equal(google.seen[0].url, "/v1beta/models/tuned%2Fmodel%20one");
    assert.equal(google.seen[0].headers["x-goog-api-key"], apiKey);
  });

  describe("each answer → a state to store", () => {
    const cases: Array<[string, (response: ServerResponse) => void, "active" | "quota_exhausted"]> = [
      ["200 with the model", json(200, { name: `models/${model}` }), "active"],
      ["429 RESOURCE_EXHAUSTED (genuine, out of quota)", googleAnswer(quotaExceededError(model)), "quota_exhausted"],
      ["429 without a body", (response) => response.writeHead(429).end(), "quota_exhausted"],
    ];
    for (const [answer, respond, state] of cases) {
      it(`${answer} → ${state}`, async () => {
        google.answerWith(respond);
        assert.equal(await check(fakeGeminiKey()), state);
      });
    }
  });

  describe("each answer → a typed error (setApiKey then stores nothing)", () => {
    interface Case {
      answer: string;
      respond: (apiKey: string) => (response: ServerResponse) => void;
      keyShape?: "standard";
      code: string;
      reason: Reason;
      action?: ErrorAction;
      message: RegExp;
    }
    const rejected = { code: "failed-precondition", reason: "KEY_INVALID", action: "provider_keys", message: /^Google rejected this key, so it was not saved\./ } as const;
    const unavailable = { code: "unavailable", reason: "AI_UNAVAILABLE", message: /^Google could not check this key right now\. Nothing was saved/ } as const;
    const cases: Case[] = [
      { answer: "400 API_KEY_INVALID", respond: () => googleAnswer(invalidKeyError()), ...rejected },
      { answer: "400 API_KEY_INVALID (expired)", respond: () => googleAnswer(expiredKeyError()), ...rejected },
      {
        answer: "400 API_KEY_INVALID for a retired “AIza” key",
        keyShape: "standard",
        respond: () => googleAnswer(invalidKeyError()),
        ...rejected,
        message: /^Google no longer accepts keys that start with “AIza” \(it retired them in 2026\), so this key was not saved\. Create a new key in Google AI Studio/,
      },
      { answer: "401 ACCESS_TOKEN_TYPE_UNSUPPORTED", respond: () => googleAnswer(accessTokenTypeUnsupportedError(getModelMethod)), ...rejected },
      { answer: "403 API_KEY_SERVICE_BLOCKED", respond: (apiKey) => googleAnswer(serviceBlockedError(apiKey, getModelMethod)), ...rejected },
      { answer: "403 CONSUMER_SUSPENDED (the message quotes the key)", respond: (apiKey) => googleAnswer(consumerSuspendedError(apiKey)), ...rejected },
      {
        answer: "404 NOT_FOUND for the model",
        respond: () => googleAnswer(modelNotFoundError(model, "v1beta", "getModel")),
        code: "failed-precondition",
        reason: "MODEL_UNAVAILABLE",
        action: "provider_keys",
        message: new RegExp(`^Google says this key cannot use the model Interview AI runs on \\(${model}\\), so it was not saved\\.`),
      },
      { answer: "500 INTERNAL", respond: () => googleAnswer(internalError()), ...unavailable },
      { answer: "503 UNAVAILABLE", respond: () => googleAnswer(overloadedError()), ...unavailable },
      { answer: "502 with an HTML page", respond: () => (response) => response.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>"), ...unavailable },
      { answer: "400 INVALID_ARGUMENT that names no key problem", respond: () => googleAnswer(invalidThinkingConfigError("Invalid argument.")), ...unavailable },
    ];
    for (const expected of cases) {
      it(`${expected.answer} → ${expected.reason}${expected.keyShape ? " (retired-key advice)" : ""}`, async () => {
        const apiKey = fakeGeminiKey("", expected.keyShape ?? "auth");
        google.answerWith(expected.respond(apiKey));
        const { outcome, lines } = await captureLogs(() => check(apiKey));
        assert.ok(!outcome.ok, "the check should have refused");
        const failure = clientFailure(outcome.error);
        assert.equal(failure.code, expected.code);
        assert.equal(failure.details.reason, expected.reason);
        assert.equal(failure.details.action, expected.action);
        assert.match(failure.message, expected.message);
        assert.ok(!keyShaped.test(JSON.stringify(failure)), "what the client receives holds a key");
        assertNoKeyLogged(lines);
      });
    }

    it("404 tells the operator which model is missing", async () => {
      google.answerWith(googleAnswer(modelNotFoundError(model, "v1beta", "getModel")));
      const { entries } = await captureLogs(() => check(fakeGeminiKey()));
      assert.ok(entries.some((entry) => entry.severity === "ERROR" && /check GEMINI_MODEL$/.test(messageOf(entry)) && entry.model === model && entry.during === "key_check"));
    });
  });

  describe("when Google cannot be reached properly", () => {
    const unreachable = /^Could not reach Google to check this key\. Nothing was saved/;

    it("refuses a redirect instead of following it with the key", async () => {
      const elsewhere = await fakeGoogle();
      try {
        elsewhere.answerWith(json(200, { name: `models/${model}` }));
        google.answerWith((response) => response.writeHead(302, { location: `${elsewhere.url}/v1beta/models/${model}` }).end());
        const error = await check(fakeGeminiKey()).then(() => assert.fail("a redirect was followed"), (e: unknown) => e);
        assert.equal(clientFailure(error).details.reason, "AI_UNAVAILABLE");
        assert.match(clientFailure(error).message, unreachable);
        assert.equal(elsewhere.seen.length, 0, "the redirect target received a request");
      } finally {
        await elsewhere.stop();
      }
    });

    it("gives up at its timeout when Google does not answer", async () => {
      google.answerWith(() => undefined); // never answers; the test's own timeout bounds the wait
      const error = await check(fakeGeminiKey(), 200).then(() => assert.fail("expected a timeout"), (e: unknown) => e);
      assert.equal(clientFailure(error).details.reason, "AI_UNAVAILABLE");
      assert.match(clientFailure(error).message, unreachable);
    });

    it("reports a refused connection as AI_UNAVAILABLE", async () => {
      const closed = await fakeGoogle();
      await closed.stop();
      const error = await verifyKey("googleai", fakeGeminiKey(), { baseUrl: closed.url, model, timeoutMs: 5_000 }).then(
        () => assert.fail("expected a connection failure"),
        (e: unknown) => e,
      );
      assert.equal(clientFailure(error).details.reason, "AI_UNAVAILABLE");
      assert.match(clientFailure(error).message, unreachable);
    });
  });
});
