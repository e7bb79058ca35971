import { onCall, type CallableFunction, type CallableOptions, type CallableRequest, type CallableResponse } from "firebase-functions/v2/https";
import type { z } from "zod";
import { withErrorMapping } from "../errors";
import { parseInput, requireUid } from "./request";

/** One signed-in user's call, as a service sees it: who, what they asked (validated), and where progress goes. */
export interface UserCall<Input, Chunk> {
  uid: string;
  /** What the ID token says of the account: a verified email, and how they signed in. */
  account: { emailVerified: boolean; signInProvider?: string };
  input: Input;
  /** Streams a progress chunk to a caller that asked for a stream; a no-op for a plain call. */
  progress: (chunk: Chunk) => void;
  /** Aborted when the client disconnects (firebase-functions' `CallableResponse.signal`): stop spending. */
  signal?: AbortSignal;
}

/**
 * An onCall callable for signed-in users, in the one shape every callable has: the caller from Auth
 * (`unauthenticated` otherwise), the input parsed against `schema` (INVALID_INPUT, without echoing
 * values), then `work`, with every failure translated by the one error mapping.
 */
export function userCallable<Schema extends z.ZodTypeAny, Result, Chunk = never>(
  options: CallableOptions,
  schema: Schema,
  work: (call: UserCall<z.output<Schema>, Chunk>) => Promise<Result>,
): CallableFunction<unknown, Promise<Result>, Chunk> {
  return onCall<unknown, Promise<Result>, Chunk>(
    options,
    withErrorMapping(async (request: CallableRequest<unknown>, response?: CallableResponse<Chunk>) => {
      const uid = requireUid(request);
      const input = parseInput<Schema>(schema, request.data);
      const token = request.auth?.token;
      const account = { emailVerified: token?.email_verified === true, signInProvider: token?.firebase?.sign_in_provider };
      return work({ uid, account, input, progress: progressSink(request, response), signal: response?.signal });
    }),
  );
}

function progressSink<Chunk>(request: CallableRequest<unknown>, response?: CallableResponse<Chunk>): (chunk: Chunk) => void {
  if (!request.acceptsStreaming || !response) return () => undefined;
  // A client that went away makes sendChunk reject; progress is best effort, the result still matters.
  return (chunk) => void response.sendChunk(chunk).catch(() => undefined);
}
