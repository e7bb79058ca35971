import { FirebaseError } from "firebase/app";
import type { ErrorAction, ErrorDetails, Reason } from "../../../functions/src/contract";
// The server's key registry (a pure module), so the browser's format check says what the server's does.
import { checkKeyFormat, isProvider, providerInfo, type Provider } from "../../../functions/src/providers";
import { ConnectionLostError } from "./callables";
import { providerPages } from "./provider-pages";
import { paths } from "./router";

/**
 * What the user was doing. `saveKey` and `manageKey` happen on Settings; while saving, a message about
 * the key just typed belongs beside the key field.
 */
export type ErrorContext = "saveKey" | "manageKey" | "ai" | "history";

/** A failure's next step as a link. */
export interface ErrorLink {
  label: string;
  /** An in-app path, or an https URL that opens in a new tab. */
  href: string;
}

/** A failure as the user reads it: what happened, and what to do next. */
export interface ErrorDescription {
  message: string;
  action?: ErrorLink;
  /** Set when the message belongs beside the key field rather than above the form. */
  field?: "apiKey";
}

const errorActions: ReadonlySet<string> = new Set<ErrorAction>(["settings", "provider_keys", "provider_quota", "sign_in"]);

/**
 * Where a next step the server names (`details.action`) leads: Settings, or the pages of the provider the
 * failure is about (`details.provider`; Gemini's when a server names none, as servers before OpenAI and
 * Anthropic did).
 */
function linkForAction(action: ErrorAction, provider: Provider = "googleai"): ErrorLink {
  switch (action) {
    case "settings":
      return { label: "Go to Settings", href: paths.settings };
    case "provider_keys":
      return { label: `Open ${providerInfo[provider].console}`, href: providerInfo[provider].keysUrl };
    case "provider_quota":
      return { label: providerPages[provider].quotaLinkLabel, href: providerInfo[provider].quotaUrl };
    case "sign_in":
      // SESSION_ENDED: the account was deleted or disabled, or its sessions revoked; the token the page holds is no good.
      return { label: "Sign in again", href: paths.signIn };
  }
}

/** Reasons that, while a key is being saved, are about that key. */
const keyFieldReasons: ReadonlySet<Reason> = new Set<Reason>(["KEY_FORMAT", "KEY_INVALID", "KEY_NOT_PERMITTED", "MODEL_UNAVAILABLE"]);

/**
 * The browser's own check of a key for `provider` before anything is sent: undefined when it is
 * well-formed, else the problem beside the key field. The words are the server's registry's
 * (`checkKeyFormat`, which the server's KEY_FORMAT message uses too), so the browser and the server
 * never describe keys differently.
 */
export function keyFormatError(provider: Provider, apiKey: string): ErrorDescription | undefined {
  const check = checkKeyFormat(provider, apiKey);
  return check.ok ? undefined : { field: "apiKey", message: check.problem };
}

/** `details` as the functions send it; anything else (an older or foreign server) reads as absent. */
function readDetails(error: FirebaseError): Partial<ErrorDetails> {
  const details = (error as FirebaseError & { details?: unknown }).details;
  if (typeof details !== "object" || details === null) return {};
  const { reason, action, provider } = details as Record<string, unknown>;
  return {
    reason: typeof reason === "string" ? (reason as Reason) : undefined,
    action: typeof action === "string" && errorActions.has(action) ? (action as ErrorAction) : undefined,
    provider: isProvider(provider) ? provider : undefined,
  };
}

/**
 * Turns a failure into what the user reads and the next step. For every failure of our functions
 * (those with `details.reason`) the server wrote the message for the user's situation, so it is shown
 * as is and its `details.action` becomes the link. The texts here cover only failures that never
 * carried a reason: a lost connection, a session or App Check refusal, a timeout, being offline.
 */
export function describeError(error: unknown, context: ErrorContext): ErrorDescription {
  if (error instanceof ConnectionLostError) {
    return { message: "The connection closed before the answer arrived. Check your connection and try again." };
  }
  if (!(error instanceof FirebaseError) || !error.code.startsWith("functions/")) {
    return { message: "Something went wrong. Reload the page and try again." };
  }
  const { reason, action, provider } = readDetails(error);
  // Some upstream messages end in a status code such as " [400]"; it means nothing to the user.
  const message = error.message.replace(/\s*\[\d+\]$/, "");
  if (reason && message) {
    // A link to Settings from Settings would lead nowhere.
    const described: ErrorDescription = { message };
    if (action && !(action === "settings" && context !== "ai")) described.action = linkForAction(action, provider);
    // A session the server says has ended: whatever the server sent, the next step is signing in again.
    if (reason === "SESSION_ENDED") described.action = linkForAction("sign_in");
    if (context === "saveKey" && keyFieldReasons.has(reason)) described.field = "apiKey";
    return described;
  }
  switch (error.code) {
    case "functions/unauthenticated":
      // Either the session (Auth) or App Check, whose refusal carries no reason: the page could not prove it is this app.
      return { message: "Your session could not be verified. Reload the page; if that does not help, sign out and sign in again." };
    case "functions/deadline-exceeded":
      return { message: "That took too long to answer. Try again in a moment." };
    case "functions/internal":
      if (!navigator.onLine) return { message: "You appear to be offline. Check your connection and try again." };
  }
  return { message: "Something went wrong on our side. Try again later." };
}
