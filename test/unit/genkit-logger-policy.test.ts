import assert from "node:assert/strict";
import { logger } from "genkit/logging";
import { currentGenkitLogSink, holdKeyPolicyOnGenkitLogger, type LogSink } from "../../functions/src/redaction/genkit-logger-policy";
import { fakeGeminiKey, keyShaped } from "../support/keys";

/** A sink that keeps what Genkit hands it, serialised as a log transport would. */
function recordingSink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(JSON.stringify(args));
  return { lines, debug: record, info: record, warn: record, error: record };
}

describe("the key policy on Genkit's logger (genkit-logger-policy.ts)", () => {
  let sinkBefore: LogSink | undefined;
  before(() => {
    holdKeyPolicyOnGenkitLogger(console);
    sinkBefore = currentGenkitLogSink();
  });
  after(() => logger.init(sinkBefore ?? console));

  it("still holds after Genkit's logger is initialised again, as Genkit Monitoring does after a failed write", () => {
    const installed = recordingSink();
    holdKeyPolicyOnGenkitLogger(installed);
    // What @genkit-ai/google-cloud's GcpLogger does when a Cloud Logging write fails.
    const reinitialised = recordingSink();
    logger.init(reinitialised);

    const key = fakeGeminiKey("suspended");
    logger.error(new Error(`[403 Forbidden] Permission denied: Consumer 'api_key:${key}' has been suspended.`));
    logger.info(`a line that quotes ${key}`, { deep: [[[[[[[[[[[[{ key }]]]]]]]]]]]] });

    assert.equal(installed.lines.length, 0, "the new sink got the lines");
    assert.equal(reinitialised.lines.length, 2);
    for (const line of reinitialised.lines) assert.ok(!keyShaped.test(line), `a line holds a key: ${line}`);
    assert.match(reinitialised.lines[0], /genkit reported an error/);
    assert.match(reinitialised.lines[1], /a line that quotes \[redacted key\]/);
  });

  it("cannot be removed: the slot refuses to be deleted or redefined", () => {
    assert.throws(() => delete (globalThis as Record<string, unknown>).__genkit_logger, TypeError);
    assert.throws(() => Object.defineProperty(globalThis, "__genkit_logger", { value: console }), TypeError);
  });
});
