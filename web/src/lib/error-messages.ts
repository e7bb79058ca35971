import { FirebaseError } from "firebase/app";
import type { Reason } from "../../../functions/src/contract";
import { ConnectionLostError } from "./callables";
import { paths } from "./router";


/** What the user was doing, since the same reason means something else while saving a key. */
export type ErrorContext = "saveKey" | "manageKey" | "ai";

export interface ErrorAction {
  label: string;
  /** An in-app path, or an https URL that opens in a new tab. */
  href: string;
}

/** A failure as the user reads it: what happened, and what to do next. */
export interface ErrorDescription {
  message: string;
  action?: ErrorAction;
  /** Set when the message belongs beside the key field rather than above the form. */
  field?: "apiKey";
}

export const aiStudioKeyUrl = "https://aistudio.google.com/app/apikey";
const quotaDocsUrl = "https://ai.google.dev/gemini-api/docs/rate-limits";

/** A key of the wrong shape, whether the browser or the server (KEY_FORMAT) noticed. */
export const keyFormatError: ErrorDescription = {
  field: "apiKey",
  message: "That doesn't look like a Gemini API key. Keys start with “AIza” and are 39 characters long — check you copied all of it.",
};

const settingsAction = (label: string): ErrorAction => ({ label, href: paths.settings });

interface CallableFailure {
  code: string;
  reason?: Reason;
  retryAfterSeconds?: number;
  message: string;
}

function readFailure(error: FirebaseError): CallableFailure {
  const details = (error as FirebaseError & { details?: unknown }).details;
  const { reason, retryAfterSeconds } = (typeof details === "object" && details !== null ? details : {}) as {
    reason?: Reason;
    retryAfterSeconds?: number;
  };
  return { code: error.code, reason, retryAfterSeconds, message: error.message };
}

function inSeconds(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 0) return "in a minute";
  if (seconds < 90) return `in ${Math.ceil(seconds)} second${seconds > 1 ? "s" : ""}`;
  return `in about ${Math.round(seconds / 60)} minutes`;
}

/**
 * Turns a callable's failure into a message the UI owns (never the raw error) and the next step.
 * The server's own message is shown only for INVALID_INPUT, where it says what to change.
 */
export function describeError(error: unknown, context: ErrorContext): ErrorDescription {
  if (error instanceof ConnectionLostError) {
    return { message: "The connection closed before the answer arrived. Check your connection and try again." };
  }
  if (!(error instanceof FirebaseError) || !error.code.startsWith("functions/")) {
    return { message: "Something went wrong. Reload the page and try again." };
  }
  const failure = readFailure(error);
  switch (failure.reason) {
    case "INVALID_INPUT":
      // Written for users (e.g. Gemini's safety settings declined the input), and never holds a value.
      return { message: failure.message.replace(/\s*\[\d+\]$/, "") };
    case "KEY_FORMAT":
      return keyFormatError;
    case "KEY_INVALID":
      return context === "saveKey"
        ? {
            field: "apiKey",
            message: "Google rejected this key, so it was not saved. Check it in Google AI Studio, or create a new one there.",
            action: { label: "Open Google AI Studio", href: aiStudioKeyUrl },
          }
        : {
            message: "Google rejected your saved Gemini key. It may have been deleted, restricted or expired.",
            action: settingsAction("Fix your key in Settings"),
          };
    case "KEY_MISSING":
      return {
        message: "You haven't added a Gemini API key yet. Interview AI runs on your own key.",
        action: settingsAction("Add your key in Settings"),
      };
    case "QUOTA_EXCEEDED":
      return {
        message:
          "Your Gemini key has run out of quota. The quota belongs to your key's Google project, not to Interview AI: " +
          `check that project's plan and billing, or try again ${inSeconds(failure.retryAfterSeconds)} if it is a per-minute limit.`,
        action: { label: "About Gemini quotas", href: quotaDocsUrl },
      };
    case "RATE_LIMITED":
      return { message: `That's a lot of requests in a short time. Please try again ${inSeconds(failure.retryAfterSeconds)}.` };
    case "KEY_STORE_UNAVAILABLE":
      return {
        message:
          context === "ai"
            ? "Your key couldn't be read from the secure key store just now. Nothing is lost — try again in a moment."
            : "The secure key store is unavailable, so nothing was changed. Try again in a moment.",
      };
    case "AI_UNAVAILABLE":
      return {
        message:
          context === "saveKey"
            ? "Google couldn't be reached to verify your key, so it was not saved. Try again in a moment."
            : "Gemini is temporarily unavailable. Nothing is lost — try again in a moment.",
      };
    case undefined:
      break;
  }
  switch (failure.code) {
    case "functions/unauthenticated":
      return { message: "Your session has ended. Sign out, then sign in again to continue." };
    case "functions/deadline-exceeded":
      return { message: "That took too long to answer. Try again in a moment." };
    case "functions/internal":
      if (!navigator.onLine) return { message: "You appear to be offline. Check your connection and try again." };
  }
  return { message: "Something went wrong on our side. Try again later." };
}
