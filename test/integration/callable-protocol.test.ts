import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";
import { httpUrl, loadStackConfig } from "../../dev/stack-config";
import { assertCallFails, disposeClients, signUpNewUser } from "../support/firebase-client";
import { fakeGeminiKey, keyShaped } from "../support/keys";
import {
  emulatorLogFromNow,
  errorOf,
  firebaseFunctionsProtocolLogs,
  occurrences,
  sendRaw,
  waitForLog,
  type RawRequest,
} from "../support/raw-callable";

/**
 * What an attacker (or a curl user) sees who speaks HTTP to the callables without the Firebase SDK, and
 * what reaches the log: malformed protocol shapes are a 400 INVALID_ARGUMENT that quotes nothing, signed
 * in or not, and no key they carry reaches the emulator's log of the functions' output.
 */

const config = loadStackConfig();
const callables = ["apiKeyStatus", "removeApiKey", "setApiKey", "setDailyLimit", "setPreferredProvider", "setHistoryRetention", "verifyApiKey", "apiKeyActivity", "generateQuestions", "generateFeedback"] as const;
const refusalLine = "malformed callable request refused";

/** Each shape firebase-functions would log (or answer 500 for), carrying `key` where it would be logged. */
function malformedShapes(key: string): Record<string, RawRequest> {
  return {
    "no data envelope": { body: JSON.stringify({ apiKey: key }) },
    "@type object in data": { body: JSON.stringify({ data: { apiKey: key, "@type": "x" } }) },
    "@type object deep in data, streaming": { accept: "text/event-stream", body: JSON.stringify({ data: { items: [{ question: { "@type": key } }] } }) },
    "key-shaped field name beside data": { body: JSON.stringify({ data: {}, [key]: 1 }) },
    "__proto__ field in data": { body: `{"data":{"__proto__":{"apiKey":"${key}"}}}` },
    "data nested 100 deep": { body: `{"data":${'{"a":'.repeat(100)}"${key}"${"}".repeat(100)}}` },
    "array body": { body: JSON.stringify([{ data: { apiKey: key } }]) },
    "non-JSON text body": { contentType: "text/plain", body: `apiKey=${key}` },
    "form body": { contentType: "application/x-www-form-urlencoded", body: `data[apiKey]=${key}` },
    "key-shaped Content-Type": { contentType: key, body: JSON.stringify({ data: {} }) },
    "GET": { method: "GET" },
  };
}

async function newIdToken(): Promise<string> {
  const app = initializeApp({ projectId: config.projectId, apiKey: "fake-api-key" }, `raw-${randomUUID()}`);
  try {
    const auth = getAuth(app);
    connectAuthEmulator(auth, httpUrl(config.auth), { disableWarnings: true });
    const { user } = await createUserWithEmailAndPassword(auth, `raw-${randomUUID()}@example.test`, `pw-${randomUUID()}`);
    return await user.getIdToken();
  } finally {
    await deleteApp(app);
  }
}

describe("callable protocol: raw HTTP to the callables", function () {
  this.timeout(120_000);
  after(disposeClients);

  it("answers every malformed shape 400 INVALID_ARGUMENT without echo, signed in or out, and logs no key", async () => {
    const log = emulatorLogFromNow();
    const idToken = await newIdToken();
    const keys: string[] = [];
    let refusals = 0;
    // One request at a time: the functions emulator runs one worker per request.
    for (const name of callables) {
      for (const signedIn of [false, true]) {
        const key = fakeGeminiKey();
        keys.push(key);
        for (const [shape, request] of Object.entries(malformedShapes(key))) {
          const label = `${name}, ${shape}, ${signedIn ? "signed in" : "signed out"}`;
          const response = await sendRaw(name, request, signedIn ? idToken : undefined);
          assert.equal(response.status, 400, label);
          const error = errorOf(response.text);
          assert.equal(error?.status, "INVALID_ARGUMENT", `${label}: ${response.text.slice(0, 200)}`);
          assert.equal(error?.details?.reason, "INVALID_INPUT", label);
          assert.ok(!response.text.includes(key.slice(3)) && !keyShaped.test(response.text), `${label}: the key was echoed`);
          if (request.accept) assert.match(response.contentType, /^text\/event-stream/, label);
          refusals++;
        }
      }
    }
    if (!log) return;
    const text = await waitForLog(log, (t) => occurrences(t, refusalLine) >= refusals);
    assert.equal(occurrences(text, refusalLine), refusals);
    for (const key of keys) assert.ok(!text.includes(key.slice(3)), "a key reached the emulator log");
    assert.ok(!keyShaped.test(text), "a key-shaped string reached the emulator log");
    for (const line of firebaseFunctionsProtocolLogs) assert.ok(!text.includes(line), `firebase-functions logged "${line}"`);
  });

  it("lets the callable judge a key-shaped field name inside data: unauthenticated, or INVALID_INPUT without the name", async () => {
    const log = emulatorLogFromNow();
    const idToken = await newIdToken();
    const keys: string[] = [];
    for (const name of callables) {
      const key = fakeGeminiKey();
      keys.push(key);
      const request = { body: JSON.stringify({ data: { [key]: "x" } }) };
      const signedOut = await sendRaw(name, request);
      assert.equal(signedOut.status, 401, name);
      assert.equal(errorOf(signedOut.text)?.status, "UNAUTHENTICATED", name);
      const signedIn = await sendRaw(name, request, idToken);
      assert.equal(signedIn.status, 400, name);
      const error = errorOf(signedIn.text);
      assert.equal(error?.status, "INVALID_ARGUMENT", name);
      assert.equal(error?.details?.reason, "INVALID_INPUT", name);
      assert.match(error?.message ?? "", /request has unexpected fields/, name);
      assert.ok(!signedOut.text.includes(key.slice(3)) && !signedIn.text.includes(key.slice(3)), `${name}: the key was echoed`);
    }
    if (!log) return;
    const text = await waitForLog(log, (t) => callables.every((name) => occurrences(t, `Finished "us-central1-${name}"`) >= 2));
    for (const key of keys) assert.ok(!text.includes(key.slice(3)), "a key reached the emulator log");
  });

  it("answers the SDK's own call with an @type field invalid-argument, not internal, also when streaming", async () => {
    const user = await signUpNewUser();
    const data = { jobTitle: "Engineer", interviewType: "technical", extra: { "@type": fakeGeminiKey() } };
    await assertCallFails(user.call("generateQuestions", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
    await assertCallFails(user.stream("generateQuestions", data), { code: "invalid-argument", reason: "INVALID_INPUT" });
  });

  it("leaves malformed JSON to the platform's body parser, which answers 400 before any function code and quotes no key", async () => {
    const log = emulatorLogFromNow();
    const key = fakeGeminiKey();
    for (const name of callables) {
      for (const body of [`{"data":{"apiKey":${key}}}`, key, `{"data":{"apiKey":"${key}"}`]) {
        const response = await sendRaw(name, { body });
        assert.equal(response.status, 400, `${name}: ${body.slice(0, 20)}`);
        assert.ok(!response.text.includes(key.slice(3)) && !keyShaped.test(response.text), `${name}: the key was echoed`);
      }
    }
    if (!log) return;
    const text = await waitForLog(log, (t) => occurrences(t, "SyntaxError") >= 3 * callables.length);
    assert.ok(!text.includes(key.slice(3)), "a key reached the emulator log");
  });

  it("redacts key-shaped text that other code in the functions process logs: the body parser's charset error", async () => {
    // The guard leaves firebase-functions nothing to log, and the emulator does not verify ID tokens (so no
    // token error quotes a claim). The body parser still logs its own errors from the functions process,
    // quoting a Content-Type's charset (upper-cased, which is still key-shaped): the output redaction's case.
    const log = emulatorLogFromNow();
    const response = await sendRaw("apiKeyStatus", { contentType: `application/json; charset=${fakeGeminiKey()}`, body: '{"data":{}}' });
    assert.equal(response.status, 415);
    if (!log) return;
    const text = await waitForLog(log, (t) => t.includes("unsupported charset"));
    assert.match(text, /unsupported charset \\?"\[redacted key\]\\?"/);
    assert.ok(!keyShaped.test(text), "a key-shaped string reached the emulator log");
  });
});
