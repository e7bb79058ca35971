import type { CallableRequest, CallableResponse } from "firebase-functions/v2/https";
import type { Progress } from "../ai/schemas";

/** Streams progress chunks `{ step, message }` to callers that asked for a stream; a plain call gets only the result. */
export function progressSink(request: CallableRequest<unknown>, response?: CallableResponse<Progress>): (progress: Progress) => void {
  if (!request.acceptsStreaming || !response) return () => undefined;
  return (progress) => void response.sendChunk(progress);
}
