import assert from "node:assert/strict";
import fc from "fast-check";
import { GenerateFeedbackInputSchema, GenerateQuestionsInputSchema } from "../../functions/src/ai/schemas";
import { callableProtocolProblem } from "../../functions/src/callables/protocol-guard";
import { parseInput } from "../../functions/src/callables/request";
import { AppError } from "../../functions/src/errors";
import {
  ApiKeyActivityInputSchema,
  ApiKeyModelsInputSchema,
  ApiKeyStatusInputSchema,
  ProviderInputSchema,
  RemoveApiKeyInputSchema,
  SetApiKeyInputSchema,
  SetDailyLimitInputSchema,
  SetModelInputSchema,
  SetPreferredProviderInputSchema,
} from "../../functions/src/keys/schemas";
import { isWellFormedKey, type Provider } from "../../functions/src/providers";
import { hostileCallables, hostileRequests, sdkSendsAsIs, type HostileCallable, type HostileRequest } from "../support/hostile-payloads";
import { keyShaped } from "../support/keys";

/**
 * The hostile-input suite (test/integration/hostile-input.test.ts) sends generated requests through the
 * emulators and expects each to be refused as it was constructed. Here the same generators run against
 * the functions' own checks in process, many more times than the emulators could take: each request is
 * refused by the protocol check or the input schema with INVALID_INPUT, or (a malformed key) passes the
 * schema and fails the key format. So no generated request is valid by accident.
 */

const schemaOf: Record<HostileCallable, Parameters<typeof parseInput>[0]> = {
  apiKeyStatus: ApiKeyStatusInputSchema,
  removeApiKey: RemoveApiKeyInputSchema,
  setPreferredProvider: SetPreferredProviderInputSchema,
  verifyApiKey: ProviderInputSchema,
  apiKeyActivity: ApiKeyActivityInputSchema,
  setApiKey: SetApiKeyInputSchema,
  setDailyLimit: SetDailyLimitInputSchema,
  apiKeyModels: ApiKeyModelsInputSchema,
  setModel: SetModelInputSchema,
  generateQuestions: GenerateQuestionsInputSchema,
  generateFeedback: GenerateFeedbackInputSchema,
};

const keysInText = new RegExp(keyShaped.source, "g");

/** The request as the server parses it: raw requests as JSON text, SDK requests as the SDK sends them. */
function wireOf(request: HostileRequest): { method: string; contentType: string; body: unknown } {
  const envelope = request.envelope;
  if (envelope) return { method: envelope.method ?? "POST", contentType: envelope.contentType ?? "application/json", body: JSON.parse(envelope.body ?? "null") };
  return { method: "POST", contentType: "application/json", body: JSON.parse(JSON.stringify({ data: request.data })) };
}

/** How the functions refuse `request`, judged in process: the protocol check, then the schema, then the key's format. */
function refusalOf(request: HostileRequest): string {
  const wire = wireOf(request);
  if (callableProtocolProblem({ method: wire.method, header: () => wire.contentType, body: wire.body })) return "INVALID_INPUT";
  const data = (wire.body as { data: unknown }).data;
  let input: unknown;
  try {
    input = parseInput(schemaOf[request.callable], data);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.reason;
  }
  const { apiKey, provider } = input as { apiKey: string; provider: Provider };
  if (request.callable === "setApiKey" && !isWellFormedKey(provider, apiKey)) return "KEY_FORMAT";
  return "accepted";
}

describe("hostile payload generators", () => {
  for (const callable of hostileCallables) {
    it(`${callable}: every generated request is refused as constructed, by the functions' own checks`, () => {
      const run = fc.check(
        fc.property(hostileRequests(callable), (request) => {
          assert.equal(refusalOf(request), request.expected);
          if (request.transport !== "raw") assert.ok(sdkSendsAsIs(request.data), "sent by the SDK, which would change it");
        }),
        { seed: 1, numRuns: 300 },
      );
      // fast-check's own report would print the request, fake keys and all, into the log the run scans for keys.
      if (run.failed) assert.fail(`${String(run.errorInstance)}\nrequest: ${JSON.stringify(run.counterexample)?.replace(keysInText, "[key]").slice(0, 300)}`);
    });
  }

  it("routes data the SDK would change or fail on (own __proto__ or hasOwnProperty keys, no Object.prototype) to raw requests", () => {
    const proto = JSON.parse('{"a":{"__proto__":{"isAdmin":true}}}') as unknown;
    assert.equal(sdkSendsAsIs(proto), false);
    assert.equal(sdkSendsAsIs({ items: [{ hasOwnProperty: 1 }] }), false);
    assert.equal(sdkSendsAsIs([{ a: Object.create(null) as object }]), false);
    assert.equal(sdkSendsAsIs({ constructor: { prototype: {} }, items: [1, "x", null] }), true);
  });
});
