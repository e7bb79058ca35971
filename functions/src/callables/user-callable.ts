import { onCall, type CallableFunction, type CallableOptions, type CallableRequest, type CallableResponse } from "firebase-functions/v2/https";
import type { z } from "zod";
import { appCheckEnforced } from "../config";
import { withErrorMapping } from "../errors";
import { parseInput, requireUid, requireUnusedAppCheckToken } from "./request";

/** One signed-in user's call, as a service sees it: who, what they asked (validated), and where progress goes. */
export interface UserCall<Input, Chunk> {
  uid: string;
  /**
   * What the ID token says of the account: its email and whether it is verified, how they signed in, and
   * when (`auth_time`, seconds: a session revoked after it has ended, account-status.ts).
   */
  account: { emailVerified: boolean; email?: string; signInProvider?: string; authTime?: number };
  input: Input;
  /** Streams a progress chunk to a caller that asked for a stream; a no-op for a plain call. */
  progress: (chunk: Chunk) => void;
  /** Aborted when the client disconnects (firebase-functions' `CallableResponse.signal`): stop spending. */
  signal?: AbortSignal;
}

/**
 * A callable's own options. App Check enforcement is not among them: every callable has it, set here,
 * and only the deployer's ENFORCE_APP_CHECK turns it off. `consumeAppCheckToken: true` adds replay
 * protection (each token is good for one call) for calls that cost money or test keys; their clients
 * must send limited-use tokens.
 */
export type UserCallableOptions = Omit<CallableOptions, "enforceAppCheck" | "consumeAppCheckToken"> & {
  consumeAppCheckToken?: boolean;
};

/**
 * An onCall callable for signed-in users of this project's app, in the one shape every callable has:
 * firebase-functions first refuses a call without a valid App Check token (`unauthenticated`, before
 * any of our code runs); then a replayed token (APP_CHECK_REPLAYED, when the callable consumes tokens),
 * the caller from Auth (`unauthenticated` otherwise), the input parsed against `schema` (INVALID_INPUT,
 * without echoing values), then `work`, with every failure translated by the one error mapping.
 */
export function userCallable<Schema extends z.ZodTypeAny, Result, Chunk = never>(
  options: UserCallableOptions,
  schema: Schema,
  work: (call: UserCall<z.output<Schema>, Chunk>) => Promise<Result>,
): CallableFunction<unknown, Promise<Result>, Chunk> {
  return onCall<unknown, Promise<Result>, Chunk>(
    { ...options, enforceAppCheck: appCheckEnforced() },
    withErrorMapping(async (request: CallableRequest<unknown>, response?: CallableResponse<Chunk>) => {
      if (options.consumeAppCheckToken) requireUnusedAppCheckToken(request);
      const uid = requireUid(request);
      const input = parseInput<Schema>(schema, request.data);
      const token = request.auth?.token;
      const account = {
        emailVerified: token?.email_verified === true,
        email: typeof token?.email === "string" ? token.email : undefined,
        signInProvider: token?.firebase?.sign_in_provider,
        authTime: typeof token?.auth_time === "number" ? token.auth_time : undefined,
      };
      return work({ uid, account, input, progress: progressSink(request, response), signal: response?.signal });
    }),
  );
}

function progressSink<Chunk>(request: CallableRequest<unknown>, response?: CallableResponse<Chunk>): (chunk: Chunk) => void {
  if (!request.acceptsStreaming || !response) return () => undefined;
  // A client that went away makes sendChunk reject; progress is best effort, the result still matters.
  return (chunk) => void response.sendChunk(chunk).catch(() => undefined);
}
