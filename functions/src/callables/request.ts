import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import type { z } from "zod";
import { appCheckReplayed, invalidInput } from "../errors";
import { appCheckTokenReplayed } from "../logs";

/**
 * A callable that consumes App Check tokens (`consumeAppCheckToken`, replay protection) must refuse one
 * that was consumed before: firebase-functions does not, it marks the request `app.alreadyConsumed` and
 * calls the handler anyway.
 */
export function requireUnusedAppCheckToken(request: CallableRequest<unknown>): void {
  if (request.app?.alreadyConsumed !== true) return;
  appCheckTokenReplayed(request.auth?.uid, request.app.appId);
  throw appCheckReplayed();
}

/** The caller's uid; a signed-out caller is `unauthenticated` (not failed-precondition). */
export function requireUid(request: CallableRequest<unknown>): string {
  const uid = request.auth?.uid;
  if (!uid) throw new HttpsError("unauthenticated", "Sign in to continue.");
  return uid;
}

/**
 * Parses callable input with zod. The error names the fields and what was wrong, never the values:
 * a mistyped field may hold a key.
 */
export function parseInput<Schema extends z.ZodTypeAny>(schema: Schema, data: unknown): z.output<Schema> {
  const result = schema.safeParse(data ?? {});
  // On a generic Schema, zod types the parsed data as ZodTypeAny's output (any); it is Schema's output.
  if (result.success) return result.data as z.output<Schema>;
  const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "request"} ${describeIssue(issue)}`);
  throw invalidInput(`Invalid request: ${problems.join("; ")}.`);
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.received === "undefined" ? "is required" : `must be ${issue.expected}`;
    case "too_big":
      return issue.type === "string" ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}${issue.type === "array" ? " items" : ""}`;
    case "too_small":
      return issue.type === "string" ? `must be at least ${issue.minimum} characters` : `must be at least ${issue.minimum}${issue.type === "array" ? " items" : ""}`;
    case "invalid_enum_value":
      return `must be one of ${issue.options.join(", ")}`;
    case "unrecognized_keys":
      return "has unexpected fields";
    default:
      return "is invalid";
  }
}
