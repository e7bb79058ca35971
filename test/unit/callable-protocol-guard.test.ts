import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCall, type HttpsFunction } from "firebase-functions/v2/https";
import { repoRoot } from "../../dev/stack-config";
import {
  callableProtocolProblem,
  guardCallableProtocol,
  maxDataDepth,
  type CallableRequestShape,
} from "../../functions/src/callables/protocol-guard";
import { fakeGeminiKey } from "../support/keys";

function request(body: unknown, headers: Record<string, string> = {}, method = "POST"): CallableRequestShape {
  const all: Record<string, string> = { "content-type": "application/json", ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
  return { method, body, header: (name) => all[name.toLowerCase()] };
}

const nested = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);

describe("callable protocol guard", () => {
  it("accepts what the Firebase SDKs send: {data} with any JSON value, Content-Type with parameters", () => {
    for (const data of [{ apiKey: fakeGeminiKey() }, null, "text", 3, [], [{ question: "q", answer: "a" }], nested(maxDataDepth - 1)]) {
      assert.equal(callableProtocolProblem(request({ data })), undefined, JSON.stringify(data));
    }
    assert.equal(callableProtocolProblem(request({ data: {} }, { "Content-Type": "Application/JSON; charset=utf-8" })), undefined);
  });

  it("names what firebase-functions would log or fail on", () => {
    const key = fakeGeminiKey();
    const cases: Array<[CallableRequestShape, string]> = [
      [request({ data: {} }, {}, "GET"), "method"],
      [request({ data: {} }, { "Content-Type": "text/plain" }), "content-type"],
      [request({ data: {} }, { "Content-Type": key }), "content-type"],
      [request(`{"data":{"apiKey":"${key}"}}`, { "Content-Type": "application/json" }), "body-not-object"],
      [request(Buffer.from("{}")), "body-not-object"],
      [request([{ data: {} }]), "body-not-object"],
      [request(undefined), "body-not-object"],
      [request({ apiKey: key }), "missing-data"],
      [request({}), "missing-data"],
      [request({ data: {}, [key]: 1 }), "extra-fields"],
      [request({ data: { apiKey: key, "@type": "x" } }), "typed-value"],
      [request({ data: { items: [{ question: { "@type": "type.googleapis.com/google.protobuf.Int64Value", value: "1" } }] } }), "typed-value"],
      [request({ data: [[{ "@type": "" }]] }), "typed-value"],
      [request(JSON.parse(`{"data":{"__proto__":{"apiKey":"${key}"}}}`)), "prototype-field"],
      [request({ data: nested(maxDataDepth + 1) }), "too-deep"],
      [request({ data: JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`) as unknown }), "too-deep"],
    ];
    for (const [index, [shape, problem]] of cases.entries()) assert.equal(callableProtocolProblem(shape), problem, `case ${index}`);
  });

  it("answers a malformed request itself: 400 INVALID_ARGUMENT, no echo, CORS as onCall's default; delegates the rest", async () => {
    const calls: string[] = [];
    const guarded = guardCallableProtocol(
      onCall(() => {
        throw new Error("the handler must not run");
      }),
    );
    const key = fakeGeminiKey();
    const res = fakeResponse();
    await guarded(expressLike({ apiKey: key }, { Origin: "https://app.example" }) as never, res as never);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.headers, { "access-control-allow-origin": "https://app.example", vary: "Origin" });
    const body = JSON.parse(res.body) as { error: { status: string; details: unknown } };
    assert.deepEqual(body.error.status, "INVALID_ARGUMENT");
    assert.deepEqual(body.error.details, { reason: "INVALID_INPUT" });
    assert.ok(!res.body.includes(key.slice(3)));

    const streaming = fakeResponse();
    await guarded(expressLike({ data: { "@type": "x", apiKey: key } }, { Accept: "text/event-stream" }) as never, streaming as never);
    assert.equal(streaming.statusCode, 400);
    assert.equal(streaming.headers["content-type"], "text/event-stream");
    const frame = /^data: (.*)\n\n$/.exec(streaming.body);
    assert.ok(frame, "one server-sent event");
    assert.equal((JSON.parse(frame[1]) as { error: { status: string } }).error.status, "INVALID_ARGUMENT");
    assert.ok(!streaming.body.includes(key.slice(3)));

    const recordMethod: HttpsFunction = Object.assign((req: { method: string }) => void calls.push(req.method), { __endpoint: {} });
    const passed = guardCallableProtocol(recordMethod);
    await passed(expressLike({ data: {} }) as never, fakeResponse() as never);
    await passed({ ...expressLike(undefined), method: "OPTIONS" } as never, fakeResponse() as never);
    assert.deepEqual(calls, ["POST", "OPTIONS"]);
  });

  it("keeps everything firebase-functions attaches to a callable", () => {
    const callable = onCall({ timeoutSeconds: 42 }, () => "ok");
    const guarded = guardCallableProtocol(callable);
    assert.equal(typeof guarded, "function");
    assert.equal(guarded.__endpoint, callable.__endpoint);
    assert.deepEqual(guarded.__trigger, callable.__trigger);
    for (const method of ["run", "stream"]) assert.equal(Reflect.get(guarded, method), Reflect.get(callable, method), method);
    assert.deepEqual(Object.keys(guarded), Object.keys(callable));
  });

  it("leaves the deploy manifest of the built functions as firebase-tools reads it: twelve callables, three scheduled jobs, one Auth trigger", function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), "interview-ai-manifest-"));
    try {
      const manifestPath = join(dir, "functions.json");
      const bin = join(repoRoot, "node_modules", "firebase-functions", "lib", "bin", "firebase-functions.js");
      const result = spawnSync(process.execPath, [bin, "."], {
        cwd: join(repoRoot, "functions"),
        env: { ...process.env, FUNCTIONS_MANIFEST_OUTPUT_PATH: manifestPath, GCLOUD_PROJECT: "demo-interview-ai" },
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      const { endpoints } = JSON.parse(readFileSync(manifestPath, "utf8")) as { endpoints: Record<string, Record<string, unknown>> };
      const callables = [
        "apiKeyActivity",
        "apiKeyModels",
        "apiKeyStatus",
        "generateFeedback",
        "generateQuestions",
        "removeApiKey",
        "setApiKey",
        "setDailyLimit",
        "setHistoryRetention",
        "setModel",
        "setPreferredProvider",
        "verifyApiKey",
      ];
      const others = ["deleteExpiredApiKeys", "deleteUserKeyData", "rewrapApiKeys", "sweepDeletedAccounts"];
      assert.deepEqual(Object.keys(endpoints).sort(), [...callables, ...others].sort());
      assert.ok(
        endpoints.rewrapApiKeys.scheduleTrigger && endpoints.deleteExpiredApiKeys.scheduleTrigger && endpoints.sweepDeletedAccounts.scheduleTrigger,
        "the jobs are scheduled",
      );
      assert.ok(endpoints.deleteUserKeyData.eventTrigger, "account deletion is an Auth trigger");
      for (const name of callables) {
        const endpoint = endpoints[name];
        assert.deepEqual(endpoint.callableTrigger, {}, name);
        assert.deepEqual(endpoint.region, ["us-central1"], name);
        assert.equal(endpoint.maxInstances, 10, name);
      }
      assert.equal(endpoints.generateQuestions.timeoutSeconds, 180);
      // Each function's own service account survives the guard, beside the global options.
      assert.deepEqual(
        Object.fromEntries(Object.entries(endpoints).map(([name, endpoint]) => [name, endpoint.serviceAccountEmail])),
        {
          apiKeyActivity: "interview-ai-key-records@",
          apiKeyModels: "interview-ai-key-reader@",
          apiKeyStatus: "interview-ai-key-records@",
          deleteExpiredApiKeys: "interview-ai-key-records@",
          deleteUserKeyData: "interview-ai-key-records@",
          generateFeedback: "interview-ai-key-reader@",
          generateQuestions: "interview-ai-key-reader@",
          removeApiKey: "interview-ai-key-records@",
          rewrapApiKeys: "interview-ai-key-rewrap@",
          setApiKey: "interview-ai-key-writer@",
          setDailyLimit: "interview-ai-key-records@",
          setHistoryRetention: "interview-ai-key-records@",
          setModel: "interview-ai-key-reader@",
          setPreferredProvider: "interview-ai-key-records@",
          sweepDeletedAccounts: "interview-ai-key-records@",
          verifyApiKey: "interview-ai-key-reader@",
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function expressLike(body: unknown, headers: Record<string, string> = {}) {
  return { ...request(body, headers), headers: {}, get: () => undefined };
}

/** The few express Response methods the guard uses, recording what it answered. */
function fakeResponse() {
  const res = {
    statusCode: 200,
    headers: {} as Record<string, string>,
    body: "",
    set(name: string, value: string) {
      res.headers[name.toLowerCase()] = value;
      return res;
    },
    vary(name: string) {
      res.headers.vary = name;
      return res;
    },
    type(value: string) {
      return res.set("Content-Type", value);
    },
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(value: unknown) {
      res.body = JSON.stringify(value);
      return res;
    },
    end(text: string) {
      res.body = text;
      return res;
    },
  };
  return res;
}
