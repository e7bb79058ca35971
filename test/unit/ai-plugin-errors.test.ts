import assert from "node:assert/strict";
import { GenkitError } from "genkit";
import { classifyPluginError } from "../../functions/src/provider-apis/gemini/generate";
import { UpstreamCallError } from "../../functions/src/provider-apis/upstream-failure";
import { fakeGeminiKey } from "../support/keys";

/** What the googleAI plugin (1.42) throws for an HTTP failure: its own status, Google's body in `detail`. */
const pluginHttpError = (status: GenkitError["status"], body: unknown) =>
  new GenkitError({ status, message: `Error fetching from …: ${JSON.stringify(body)}`, detail: body });
const googleBody = (code: number, status: string, reason?: string) => ({
  error: { code, status, message: "irrelevant", details: reason ? [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason }] : [] },
});

describe("classifyPluginError (what the Gemini plugin threw for one call)", () => {
  it("reads a 403 from the body although the plugin calls it UNKNOWN", () => {
    assert.deepEqual(classifyPluginError(pluginHttpError("UNKNOWN", googleBody(403, "PERMISSION_DENIED", "CONSUMER_SUSPENDED"))), { kind: "key_invalid" });
    assert.deepEqual(classifyPluginError(pluginHttpError("UNKNOWN", googleBody(403, "PERMISSION_DENIED", "API_KEY_SERVICE_BLOCKED"))), { kind: "key_invalid" });
  });

  it("reads today's 401 token-type refusal and 404 missing model from the body, although the plugin calls both UNKNOWN", () => {
    assert.deepEqual(classifyPluginError(pluginHttpError("UNKNOWN", googleBody(401, "UNAUTHENTICATED", "ACCESS_TOKEN_TYPE_UNSUPPORTED"))), { kind: "key_invalid" });
    assert.deepEqual(classifyPluginError(pluginHttpError("UNKNOWN", googleBody(404, "NOT_FOUND"))), { kind: "model_unavailable" });
  });

  it("maps an invalid key, quota, a busy model (503) and server errors", () => {
    assert.deepEqual(classifyPluginError(pluginHttpError("INVALID_ARGUMENT", googleBody(400, "INVALID_ARGUMENT", "API_KEY_INVALID"))), { kind: "key_invalid" });
    assert.equal(classifyPluginError(pluginHttpError("RESOURCE_EXHAUSTED", googleBody(429, "RESOURCE_EXHAUSTED"))).kind, "quota");
    assert.deepEqual(classifyPluginError(pluginHttpError("UNAVAILABLE", googleBody(503, "UNAVAILABLE"))), { kind: "model_busy" });
    assert.deepEqual(classifyPluginError(pluginHttpError("INTERNAL", googleBody(500, "INTERNAL"))), { kind: "transient" });
  });

  it("falls back on the plugin's status when the body is not Google's JSON", () => {
    assert.equal(classifyPluginError(pluginHttpError("RESOURCE_EXHAUSTED", undefined)).kind, "quota");
    assert.deepEqual(classifyPluginError(pluginHttpError("UNAVAILABLE", undefined)), { kind: "model_busy" });
    assert.deepEqual(classifyPluginError(pluginHttpError("UNKNOWN", undefined)), { kind: "transient" });
  });

  it("treats 'no candidates' (the prompt itself was blocked) as blocked", () => {
    assert.deepEqual(classifyPluginError(new GenkitError({ status: "FAILED_PRECONDITION", message: "No valid candidates returned." })), { kind: "blocked" });
  });

  it("produces an error that names the failure kind only, never Google's text", () => {
    const key = fakeGeminiKey("suspended");
    const body = { error: { code: 403, status: "PERMISSION_DENIED", message: `Consumer 'api_key:${key}' has been suspended.`, details: [] } };
    const error = new UpstreamCallError(classifyPluginError(pluginHttpError("UNKNOWN", body)));
    assert.equal(error.message, "Provider call failed: key_invalid");
    assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(key));
  });
});
