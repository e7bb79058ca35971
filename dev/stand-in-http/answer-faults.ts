import type { ServerResponse } from "node:http";

/**
 * Faults a provider stand-in can put into its answer to a generation request, shared by every stand-in,
 * for tests of what our requests do when the network misbehaves:
 * - `drop-mid-answer`: the status line, the headers and half of the body are sent, then the connection is
 *   destroyed. The provider has generated (and billed) the answer; the caller never reads it whole. A
 *   client that sends the request again in this case would bill the user's key twice.
 * - `redirect`: 307 to the same path on `location` (another origin). A client that follows it re-sends
 *   the POST body, and the key header, to that origin.
 */
export type AnswerFault = { kind: "drop-mid-answer" } | { kind: "redirect"; location: string };

/** Key marker (lowercase letters, so it fits any provider's key format) selecting `drop-mid-answer`. */
export const dropMidAnswerMarker = "dropanswer";

export function answerFaultFromKey(apiKey: string): AnswerFault | undefined {
  return apiKey.includes(dropMidAnswerMarker) ? { kind: "drop-mid-answer" } : undefined;
}

/**
 * Applies `fault` to the answer about to be sent on `response`. Returns true when the fault is the whole
 * answer (a redirect: send nothing more); false when the stand-in should answer as usual, its answer then
 * cut half-way (the response's `end` is replaced for that).
 */
export function injectAnswerFault(response: ServerResponse, fault: AnswerFault, pathAndQuery: string): boolean {
  if (fault.kind === "redirect") {
    response.writeHead(307, { location: new URL(pathAndQuery, fault.location).href, "content-length": "0" });
    response.end();
    return true;
  }
  response.end = ((chunk?: unknown) => {
    const body = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
    // Headers and the first half go out; then the connection is cut without finishing the body.
    response.write(body.slice(0, Math.ceil(body.length / 2)), () => response.destroy());
    return response;
  }) as ServerResponse["end"];
  return false;
}
