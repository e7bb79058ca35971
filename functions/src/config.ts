import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";

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

/** The project's own Gemini key, used only when ALLOW_DEFAULT_KEY is true. */
export const defaultGeminiApiKey = defineSecret("GEMINI_API_KEY");

/** Google's endpoint unless GEMINI_API_BASE_URL points elsewhere (the loopback stand-in in tests). */
export function geminiApiBaseUrl(): string {
  return (process.env.GEMINI_API_BASE_URL || "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
}

/** host:port of a local KMS speaking the google.cloud.kms.v1 gRPC API, as FIRESTORE_EMULATOR_HOST does for Firestore. */
export function kmsEmulatorHost(): string | undefined {
  return process.env.KMS_EMULATOR_HOST || undefined;
}
