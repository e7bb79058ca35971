/* eslint-disable @typescript-eslint/no-require-imports -- an instance loads only the function it serves (see `serve`); a require is how this CommonJS build loads a module on a condition */
// Imports run in this order, each before the next.
import "./redaction/redact-process-output"; // first: from here on no key reaches stdout or stderr, whoever writes it
import "./platform/global-options"; // before any onCall()
import { guardCallableProtocol } from "./callables/protocol-guard";

/**
 * Cloud Functions (2nd gen) runs each function as a service of its own and names the one an instance
 * serves in FUNCTION_TARGET (the Functions emulator does the same for each of its workers). Such an
 * instance loads that function's module alone: apiKeyStatus does not load setApiKey's key checks, the AI
 * callables' schemas or the Auth trigger's v1 SDK. Deploy discovery and the tests load with no target,
 * and so every function.
 */
const target = process.env.FUNCTION_TARGET;

/** `load()[name]` when this instance serves `name` (or serves them all); otherwise nothing is loaded. */
function serve<Name extends string, Module extends Record<Name, unknown>>(name: Name, load: () => Module): Module[Name] {
  // An instance serving another function never reads this export; undefined keeps it unloaded.
  return target && target !== name ? (undefined as Module[Name]) : load()[name];
}

type Callable = Parameters<typeof guardCallableProtocol>[0];

/** A callable, behind the protocol check, which refuses malformed requests before firebase-functions logs them. */
function serveCallable<Name extends string, Module extends Record<Name, Callable>>(name: Name, load: () => Module): Module[Name] {
  return serve(name, () => ({ [name]: guardCallableProtocol(load()[name]) }) as Record<Name, Module[Name]>);
}

export const apiKeyStatus = serveCallable("apiKeyStatus", () => require("./callables/api-key-status") as typeof import("./callables/api-key-status"));
export const removeApiKey = serveCallable("removeApiKey", () => require("./callables/remove-api-key") as typeof import("./callables/remove-api-key"));
export const setApiKey = serveCallable("setApiKey", () => require("./callables/set-api-key") as typeof import("./callables/set-api-key"));
export const setDailyLimit = serveCallable("setDailyLimit", () => require("./callables/set-daily-limit") as typeof import("./callables/set-daily-limit"));
export const setPreferredProvider = serveCallable(
  "setPreferredProvider",
  () => require("./callables/set-preferred-provider") as typeof import("./callables/set-preferred-provider"),
);
export const generateFeedback = serveCallable("generateFeedback", () => require("./callables/generate-feedback") as typeof import("./callables/generate-feedback"));
export const generateQuestions = serveCallable("generateQuestions", () => require("./callables/generate-questions") as typeof import("./callables/generate-questions"));
export const verifyApiKey = serveCallable("verifyApiKey", () => require("./callables/verify-api-key") as typeof import("./callables/verify-api-key"));
export const setHistoryRetention = serveCallable(
  "setHistoryRetention",
  () => require("./callables/set-history-retention") as typeof import("./callables/set-history-retention"),
);
export const apiKeyModels = serveCallable("apiKeyModels", () => require("./callables/api-key-models") as typeof import("./callables/api-key-models"));
export const setModel = serveCallable("setModel", () => require("./callables/set-model") as typeof import("./callables/set-model"));
export const apiKeyActivity = serveCallable("apiKeyActivity", () => require("./callables/api-key-activity") as typeof import("./callables/api-key-activity"));

// Not callables: the scheduled re-wrap, expiry and deleted-account jobs and the Auth trigger, exported as they are.
export const rewrapApiKeys = serve("rewrapApiKeys", () => require("./jobs/rewrap-api-keys") as typeof import("./jobs/rewrap-api-keys"));
export const deleteExpiredApiKeys = serve("deleteExpiredApiKeys", () => require("./jobs/delete-expired-api-keys") as typeof import("./jobs/delete-expired-api-keys"));
export const deleteUserKeyData = serve("deleteUserKeyData", () => require("./jobs/delete-user-key-data") as typeof import("./jobs/delete-user-key-data"));
export const sweepDeletedAccounts = serve(
  "sweepDeletedAccounts",
  () => require("./jobs/sweep-deleted-accounts") as typeof import("./jobs/sweep-deleted-accounts"),
);
