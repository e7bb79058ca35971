import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";

/**
 * Key management must not pay for Genkit or Cloud KMS: loading the functions' entry point (what every
 * cold instance does) must leave the AI stack unloaded until an AI callable runs, and the KMS client until
 * a data key is wrapped or unwrapped (apiKeyStatus and removeApiKey never do). Checked on the built code,
 * in a fresh process, as the Functions runtime loads it.
 */
describe("functions entry point", () => {
  it("loads every function without loading Genkit, the Gemini plugin or the Cloud KMS client", function () {
    this.timeout(30_000);
    const result = spawnSync(
      process.execPath,
      [
        "-e",
        `const exported = Object.keys(require("./lib/index.js")).sort();
         const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](genkit|@genkit-ai|@google-cloud[\\\\/]kms)[\\\\/]/.test(file));
         console.log(JSON.stringify({ exported, loaded }));`,
      ],
      { cwd: join(repoRoot, "functions"), encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    const { exported, loaded } = JSON.parse(result.stdout.trim().split("\n").pop()!) as { exported: string[]; loaded: string[] };
    assert.deepEqual(exported, [
      "apiKeyActivity",
      "apiKeyModels",
      "apiKeyStatus",
      "deleteExpiredApiKeys",
      "deleteUserKeyData",
      "generateFeedback",
      "generateQuestions",
      "removeApiKey",
      "rewrapApiKeys",
      "setApiKey",
      "setDailyLimit",
      "setHistoryRetention",
      "setModel",
      "setPreferredProvider",
      "sweepDeletedAccounts",
      "verifyApiKey",
    ]);
    assert.deepEqual(loaded, []);
  });

  it("loads only the function an instance serves (FUNCTION_TARGET): apiKeyStatus without the others' modules or the Auth trigger's v1 SDK", function () {
    this.timeout(30_000);
    const result = spawnSync(
      process.execPath,
      [
        "-e",
        `const exported = Object.entries(require("./lib/index.js")).filter(([, value]) => value !== undefined).map(([name]) => name);
         const loaded = (pattern) => Object.keys(require.cache).some((file) => pattern.test(file.split(require("node:path").sep).join("/")));
         console.log(JSON.stringify({ exported, setApiKey: loaded(/functions\\/lib\\/keys\\/save-api-key\\.js$/), v1: loaded(/firebase-functions\\/lib\\/v1\\/function-builder\\.js$/) }));`,
      ],
      { cwd: join(repoRoot, "functions"), encoding: "utf8", env: { ...process.env, FUNCTION_TARGET: "apiKeyStatus" } },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop()!), { exported: ["apiKeyStatus"], setApiKey: false, v1: false });
  });
});

/**
 * An AI instance loads only what the paying provider needs: the first call on an OpenAI key loads the
 * OpenAI SDK, not the Gemini plugin or the Anthropic SDK; on a Gemini key the plugin (on its first model
 * lookup), not the two SDKs; and only the flow of the callable it serves.
 */
describe("AI instance, per provider", () => {
  const loadedAfter = (work: string) => {
    const result = spawnSync(
      process.execPath,
      [
        "-e",
        `(async () => {
           const ai = require("./lib/ai/generate-for-user.js");
           const { generatorFor } = require("./lib/provider-apis/registry.js");
           const { ai: genkitInstance } = require("./lib/ai/genkit.js");
           ${work}
           const files = Object.keys(require.cache).map((file) => file.split(require("node:path").sep).join("/"));
           const has = (pattern) => files.some((file) => pattern.test(file));
           console.log(JSON.stringify({
             geminiPlugin: has(/node_modules\\/@genkit-ai\\/google-genai\\//),
             openai: has(/node_modules\\/openai\\//),
             anthropic: has(/node_modules\\/@anthropic-ai\\/sdk\\//),
             questionsFlow: has(/lib\\/ai\\/flows\\/interview-questions\\.js$/),
             feedbackFlow: has(/lib\\/ai\\/flows\\/answer-feedback\\.js$/),
           }));
         })().catch((error) => { console.error(error); process.exit(1); });`,
      ],
      { cwd: join(repoRoot, "functions"), encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as Record<string, boolean>;
  };

  it("loads no provider SDK, no Gemini plugin and no flow until a call needs them", function () {
    this.timeout(30_000);
    assert.deepEqual(loadedAfter(""), { geminiPlugin: false, openai: false, anthropic: false, questionsFlow: false, feedbackFlow: false });
  });

  it("on an OpenAI key: the OpenAI SDK, not the Gemini plugin or the Anthropic SDK", function () {
    this.timeout(30_000);
    assert.deepEqual(loadedAfter(`await generatorFor("openai");`), { geminiPlugin: false, openai: true, anthropic: false, questionsFlow: false, feedbackFlow: false });
  });

  it("on an Anthropic key: the Anthropic SDK, not the Gemini plugin or the OpenAI SDK", function () {
    this.timeout(30_000);
    assert.deepEqual(loadedAfter(`await generatorFor("anthropic");`), { geminiPlugin: false, openai: false, anthropic: true, questionsFlow: false, feedbackFlow: false });
  });

  it("on a Gemini key: the Gemini plugin (at its first model lookup), not the OpenAI or Anthropic SDK", function () {
    this.timeout(30_000);
    const loaded = loadedAfter(`await generatorFor("googleai"); await genkitInstance.registry.lookupAction("/model/googleai/gemini-flash-latest");`);
    assert.deepEqual(loaded, { geminiPlugin: true, openai: false, anthropic: false, questionsFlow: false, feedbackFlow: false });
  });

  it("a questions call defines the questions flow only", function () {
    this.timeout(30_000);
    const loaded = loadedAfter(`await ai.generateQuestionsForUser({ uid: "u", account: { emailVerified: true }, progress: () => {}, admitted: Promise.reject(new Error("refused")) }, { jobTitle: "x", interviewType: "technical", count: 1 }, { vault: { readApiKey: async () => null, readPreferredApiKey: async () => null }, defaultKey: { allowed: false }, ownKey: {}, sharedKey: {}, upstream: () => ({}) }).catch(() => undefined);`);
    assert.deepEqual(loaded, { geminiPlugin: false, openai: false, anthropic: false, questionsFlow: true, feedbackFlow: false });
  });
});
