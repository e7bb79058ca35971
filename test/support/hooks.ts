import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../dev/anthropic-stand-in/server";
import { startGeminiStandIn, type GeminiStandIn } from "../../dev/gemini-stand-in/server";
import { startLocalKms, type LocalKms } from "../../dev/local-kms/server";
import { startOpenAiStandIn, type OpenAiStandIn } from "../../dev/openai-stand-in/server";
import { startOpenRouterStandIn, type OpenRouterStandIn } from "../../dev/openrouter-stand-in/server";
import { loadStackConfig } from "../../dev/stack-config";

/**
 * Mocha root hooks: the local KMS and the Gemini, OpenAI, Anthropic and OpenRouter stand-ins run inside the test process, on the ports
 * firebase.json names (where the functions emulator was told to find them), so tests can inject faults
 * and read exactly what reached "Google".
 */

// Tests run the functions' code in this process too (handlers, flows, the vault), against the local KMS
// and the Gemini stand-in: as on the Functions emulator, which sets this for every function, the
// endpoint overrides are taken only with it and emulators:exec's FIREBASE_EMULATOR_HUB (functions/src/config.ts).
// Set before any spec file loads.
process.env.FUNCTIONS_EMULATOR = "true";

let kms: LocalKms | undefined;
let standIn: GeminiStandIn | undefined;
let anthropic: AnthropicStandIn | undefined;
let openAi: OpenAiStandIn | undefined;
let openRouter: OpenRouterStandIn | undefined;
let kmsDataDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    const config = loadStackConfig();
    kmsDataDir = mkdtempSync(join(tmpdir(), "interview-ai-kms-"));
    kms = await startLocalKms({ ...config.kms, dataDir: kmsDataDir });
    await kms.ensureCryptoKey(config.kmsKeyName);
    standIn = await startGeminiStandIn({ ...config.geminiStandIn });
    anthropic = await startAnthropicStandIn({ ...config.anthropicStandIn });
    openAi = await startOpenAiStandIn({ ...config.openAiStandIn });
    openRouter = await startOpenRouterStandIn({ ...config.openRouterStandIn });
  },
  async afterEach() {
    kms?.clearFaults();
  },
  async afterAll() {
    await kms?.stop();
    await standIn?.stop();
    await anthropic?.stop();
    await openAi?.stop();
    await openRouter?.stop();
    if (kmsDataDir) rmSync(kmsDataDir, { recursive: true, force: true });
  },
};

/** A service the root hooks above started, or a clear error when the tests run without them. */
function started<T>(service: T | undefined, name: string): T {
  if (!service) throw new Error(`The ${name} is started by test/support/hooks.ts (run through npm test).`);
  return service;
}

export function localKms(): LocalKms {
  return started(kms, "local KMS");
}

export function geminiStandIn(): GeminiStandIn {
  return started(standIn, "Gemini stand-in");
}

export function anthropicStandIn(): AnthropicStandIn {
  return started(anthropic, "Anthropic stand-in");
}

export function openAiStandIn(): OpenAiStandIn {
  return started(openAi, "OpenAI stand-in");
}

export function openRouterStandIn(): OpenRouterStandIn {
  return started(openRouter, "OpenRouter stand-in");
}
