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

export function localKms(): LocalKms {
  if (!kms) throw new Error("The local KMS is started by test/support/hooks.ts (run through npm test).");
  return kms;
}

export function geminiStandIn(): GeminiStandIn {
  if (!standIn) throw new Error("The Gemini stand-in is started by test/support/hooks.ts (run through npm test).");
  return standIn;
}

export function anthropicStandIn(): AnthropicStandIn {
  if (!anthropic) throw new Error("The Anthropic stand-in is started by test/support/hooks.ts (run through npm test).");
  return anthropic;
}

export function openAiStandIn(): OpenAiStandIn {
  if (!openAi) throw new Error("The OpenAI stand-in is started by test/support/hooks.ts (run through npm test).");
  return openAi;
}

export function openRouterStandIn(): OpenRouterStandIn {
  if (!openRouter) throw new Error("The OpenRouter stand-in is started by test/support/hooks.ts (run through npm test).");
  return openRouter;
}
