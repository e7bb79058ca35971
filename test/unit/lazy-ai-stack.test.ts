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
