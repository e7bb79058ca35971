import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";
import { aiUnavailable, keyStoreUnavailable } from "./errors";
import * as logs from "./logs";
import { providerInfo, type Provider } from "./providers";

/**
 * Every setting the functions read, in one place. Params are read with `.value()` only inside
 * handlers (never at import time), so deploy-time discovery and tests need no values.
 */

/** Cloud KMS key that wraps every data key: projects/…/locations/…/keyRings/…/cryptoKeys/… (no version). */
export const kmsKeyName = defineString("KMS_KEY_NAME", {
  description: "Cloud KMS crypto key (ENCRYPT_DECRYPT) that wraps the per-secret data keys",
});

/**
 * Gemini model the AI flows call, and that setApiKey checks a key can use. Google's maintained alias
 * follows the newest Flash model, so the app does not break when a dated model is shut down.
 */
export const geminiModel = defineString("GEMINI_MODEL", {
  default: "gemini-flash-latest",
  description: "Gemini model used by generateQuestions and generateFeedback",
});

/**
 * OpenAI model the AI flows call on an OpenAI key. OpenAI keeps no moving alias for its cheap models, so
 * this names a current one (docs/openai-anthropic-api.md §4); setApiKey confirms a key can use it.
 */
export const openAiModel = defineString("OPENAI_MODEL", {
  default: "gpt-6-luna",
  description: "OpenAI model used by generateQuestions and generateFeedback on an OpenAI key",
});

/** Anthropic model the AI flows call on an Anthropic key; pinned, as Anthropic's ids are (no `latest` alias). */
export const anthropicModel = defineString("ANTHROPIC_MODEL", {
  default: "claude-haiku-5-5",
  description: "Anthropic model used by generateQuestions and generateFeedback on an Anthropic key",
});

/**
 * OpenRouter model the AI flows call on an OpenRouter key: a `lab/model` id, which must be one whose
 * endpoints support structured outputs (`GET /api/v1/models?supported_parameters=structured_outputs`):
 * requests ask OpenRouter to route only to endpoints that honour the schema (docs/openrouter-api.md).
 */
export const openRouterModel = defineString("OPENROUTER_MODEL", {
  default: "openai/gpt-6-luna",
  description: "OpenRouter model (lab/model id, with structured outputs) used by generateQuestions and generateFeedback on an OpenRouter key",
});

/**
 * The app's attribution on OpenRouter (`HTTP-Referer` and `X-OpenRouter-Title` headers): its public URL
 * and name. Optional; an empty URL sends no `HTTP-Referer`.
 */
export const openRouterAppUrl = defineString("OPENROUTER_APP_URL", {
  default: "",
  description: "The app's public URL, sent to OpenRouter as HTTP-Referer (empty: not sent)",
});
export const openRouterAppName = defineString("OPENROUTER_APP_NAME", {
  default: "Interview AI",
  description: "The app's name, sent to OpenRouter as X-OpenRouter-Title (empty: not sent)",
});

/**
 * Each provider's fallback models (issue 19): comma-separated, tried in order after the call's first choice
 * (the user's model or the operator's) when that one is busy or gone, within the call's 3 upstream attempts.
 * Empty: no fallback. See docs/configuration.md and docs/models-and-usage.md.
 */
export const geminiFallbackModels = defineString("GEMINI_FALLBACK_MODELS", {
  default: "gemini-flash-lite-latest",
  description: "Gemini models tried, in order, when the first choice is busy or retired (comma-separated)",
});
export const openAiFallbackModels = defineString("OPENAI_FALLBACK_MODELS", {
  default: "gpt-5.4-mini",
  description: "OpenAI models tried, in order, when the first choice is busy or retired (comma-separated)",
});
export const anthropicFallbackModels = defineString("ANTHROPIC_FALLBACK_MODELS", {
  default: "claude-haiku-4-5",
  description: "Anthropic models tried, in order, when the first choice is busy or retired (comma-separated)",
});
export const openRouterFallbackModels = defineString("OPENROUTER_FALLBACK_MODELS", {
  default: "google/gemini-3.8-flash",
  description: "OpenRouter models tried, in order, when the first choice is busy or retired (comma-separated)",
});

/** The fallback models for `provider`'s keys, in order (read per call). */
export function fallbackModelsFor(provider: Provider): string[] {
  const list = { googleai: geminiFallbackModels, openai: openAiFallbackModels, anthropic: anthropicFallbackModels, openrouter: openRouterFallbackModels }[provider];
  return list
    .value()
    .split(",")
    .map((model) => model.trim())
    .filter(Boolean);
}

/** The model the app runs on for `provider`'s keys (read per call, like every param). */
export function modelFor(provider: Provider): string {
  const model = { googleai: geminiModel, openai: openAiModel, anthropic: anthropicModel, openrouter: openRouterModel }[provider];
  return model.value();
}

/** Whether users without a key of their own may use the project's key (bounded by the daily cap). */
export const allowDefaultKey = defineBoolean("ALLOW_DEFAULT_KEY", {
  default: false,
  description: "Let users without their own key use the project's GEMINI_API_KEY",
});

/** Per-user, per-UTC-day number of AI calls paid by the project's key. */
export const defaultKeyDailyCap = defineInt("DEFAULT_KEY_DAILY_CAP", {
  default: 20,
  description: "AI calls per user per day on the project's key",
});

/**
 * AI calls per UTC day on the project's key for all users together: the bound on what the shared key can
 * cost in a day (each call sends Gemini at most 3 requests), whatever the number of accounts.
 */
export const defaultKeyProjectDailyBudget = defineInt("DEFAULT_KEY_PROJECT_DAILY_BUDGET", {
  default: 200,
  description: "AI calls per day on the project's key, all users together",
});

/** Per-user AI calls allowed in one rate-limit window. */
export const aiRateLimitPerMinute = defineInt("AI_RATE_LIMIT_PER_MINUTE", {
  default: 10,
  description: "AI calls per user per minute",
});

/**
 * Age in days from which a stored key's status says `rotationDue`, and Settings suggests replacing it
 * with a fresh key (the usual guidance for long-lived API keys is every 90 days).
 */
export const keyRotationReminderDays = defineInt("KEY_ROTATION_REMINDER_DAYS", {
  default: 90,
  description: "Days after which Settings suggests replacing a stored key",
});

/**
 * Whether the callables refuse every call without a valid App Check token (a call that does not come from
 * this project's registered app). On unless a deployer sets it to false; docs/app-check.md says what that costs.
 */
export const enforceAppCheck = defineBoolean("ENFORCE_APP_CHECK", {
  default: true,
  description: "Refuse callable requests without a valid App Check token (set to false only while no registered app can get one)",
});

/**
 * ENFORCE_APP_CHECK as the callables' `enforceAppCheck` option. firebase-functions fixes that option when
 * a callable is defined, as this code loads, so it cannot be read per request. It is read from the
 * variable the deploy sets for the param, not with `.value()`: given the param, firebase-functions would
 * call `.value()` during deploy discovery too (a warning per callable), and a boolean param reads a
 * missing value as false, which would switch App Check off. Here only an explicit "false" does.
 */
export function appCheckEnforced(): boolean {
  return process.env[enforceAppCheck.name] !== "false";
}

/** The project's own Gemini key, used only when ALLOW_DEFAULT_KEY is true. */
export const defaultGeminiApiKey = defineSecret("GEMINI_API_KEY");

/**
 * The HMAC key under which a verified email address becomes the identity the shared key's daily cap is
 * counted on (ai/shared-key-identity.ts), so the cap outlives a deleted account without the address
 * being stored. Needed only with ALLOW_DEFAULT_KEY: unset, nobody runs on the shared key. Random, 32
 * bytes or more; replacing it starts every identity's count afresh for the day.
 */
export const sharedKeyIdentitySecret = defineSecret("SHARED_KEY_IDENTITY_SECRET");

/**
 * Whether the functions run on the Firebase emulators. FUNCTIONS_EMULATOR alone is no proof: it is not a
 * reserved name, so a deployed functions/.env could set it. So all three must hold:
 * - FUNCTIONS_EMULATOR=true (the Functions emulator sets it in every function's environment);
 * - FIREBASE_EMULATOR_HUB names a loopback address (the emulator sets it for every function and
 *   `emulators:exec` for its script; firebase-tools refuses the FIREBASE_ prefix in a deployed .env);
 * - no K_CONFIGURATION (Cloud Run sets it in every deployed revision, and refuses it as a variable of
 *   one; the emulator never sets it).
 * Tests that run handlers in this process get the first from test/support/hooks.ts, the rest from emulators:exec.
 */
export function runsOnEmulator(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FUNCTIONS_EMULATOR === "true" && isLoopbackAddress(env.FIREBASE_EMULATOR_HUB) && !env.K_CONFIGURATION;
}

/**
 * Each provider's official API origin, and the variable that points it elsewhere (a loopback stand-in on
 * the emulator). A provider is added with its row here: nothing else decides where its keys may go.
 */
export const providerEndpoints: Record<Provider, { variable: string; url: string }> = {
  googleai: { variable: "GEMINI_API_BASE_URL", url: "https://generativelanguage.googleapis.com" },
  openai: { variable: "OPENAI_API_BASE_URL", url: "https://api.openai.com" },
  anthropic: { variable: "ANTHROPIC_API_BASE_URL", url: "https://api.anthropic.com" },
  // The origin only: the adapter adds /api/v1/… itself, so a stand-in serves the same paths.
  openrouter: { variable: "OPENROUTER_API_BASE_URL", url: "https://openrouter.ai" },
};

/**
 * Variables that point the functions away from Google Cloud and the providers: honoured on the emulator
 * only, and refused in a deploy's environment (deploy/check-deploy-env.ts, a functions predeploy step).
 */
export const emulatorOnlyVariables: readonly string[] = [
  "FUNCTIONS_EMULATOR",
  "KMS_EMULATOR_HOST",
  "FIRESTORE_EMULATOR_HOST",
  ...Object.values(providerEndpoints).map((endpoint) => endpoint.variable),
];

/**
 * The provider's API origin. Its variable (GEMINI_API_BASE_URL, OPENAI_API_BASE_URL, …) may point
 * elsewhere on the emulator only: every user's key travels in the request's header, so outside it only
 * the provider's official origin is taken, whatever the variable says. Refused: AI_UNAVAILABLE, and an
 * error log naming the variable for the operator.
 */
export function providerApiBaseUrl(provider: Provider, env: NodeJS.ProcessEnv = process.env): string {
  const { variable, url: officialUrl } = providerEndpoints[provider];
  const url = (env[variable] || officialUrl).replace(/\/+$/, "");
  if (!runsOnEmulator(env) && url !== officialUrl) {
    logs.endpointRefused(variable);
    throw aiUnavailable(`${providerInfo[provider].label} cannot be reached just now. Nothing was changed; we have been alerted.`);
  }
  return url;
}

/** Google's endpoint (see providerApiBaseUrl): the googleAI plugin takes it once, when Genkit starts. */
export function geminiApiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return providerApiBaseUrl("googleai", env);
}

/**
 * host:port of a local KMS speaking the google.cloud.kms.v1 gRPC API, as FIRESTORE_EMULATOR_HOST does for
 * Firestore. Only on the emulator, and only a loopback address: elsewhere it would hand every data key to
 * a plaintext gRPC server instead of Cloud KMS. Refused: KEY_STORE_UNAVAILABLE, and an error log naming
 * the variable.
 */
export function kmsEmulatorHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.KMS_EMULATOR_HOST || undefined;
  if (host && !(runsOnEmulator(env) && isLoopbackAddress(host))) {
    logs.endpointRefused("KMS_EMULATOR_HOST");
    throw keyStoreUnavailable();
  }
  return host;
}

/** Whether `hostPort` ("127.0.0.1:9011", "[::1]:9011", "localhost:9011") names this machine's loopback. */
export function isLoopbackAddress(hostPort: string | undefined): boolean {
  if (!hostPort) return false;
  let host: string;
  try {
    host = new URL(`http://${hostPort}`).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether Genkit Monitoring (Firebase telemetry: traces, metrics and Genkit's logs in Cloud Monitoring)
 * runs: on Cloud Functions in production only — not on the emulator (which sets FUNCTIONS_EMULATOR)
 * and not in tests. GENKIT_MONITORING=on|off overrides that, for a test that asks for the pipeline.
 */
export function genkitMonitoringEnabled(): boolean {
  const override = process.env.GENKIT_MONITORING;
  if (override === "on" || override === "off") return override === "on";
  return Boolean(process.env.K_SERVICE) && process.env.FUNCTIONS_EMULATOR !== "true";
}

/** Practices each user keeps at most (practice history); at the limit, saving a new one deletes the oldest. */
export const practiceHistoryLimit = defineInt("PRACTICE_HISTORY_LIMIT", {
  default: 500,
  description: "Practices kept per user; the oldest go first",
});
