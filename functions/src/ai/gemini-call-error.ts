import { GenkitError } from "genkit";
import { classifyGeminiFailure, type UpstreamFailure } from "./gemini-errors";

/**
 * What went wrong with one model call: an upstream failure Google answered, the content blocked by
 * safety settings, no answer at all, or the caller gone.
 */
export type GeminiCallFailure =
  | UpstreamFailure
  | { kind: "blocked" }
  /**
   * No answer came: the per-attempt deadline passed, or the connection failed. The request may have
   * reached Google and be generating — and billed — so it is never retried (see user-key-model.ts).
   */
  | { kind: "no_answer" }
  /** The caller went away (the client disconnected); nothing more is asked of Gemini. */
  | { kind: "cancelled" };

/**
 * The only error the user-key model lets out. It carries the classification and nothing else: not
 * Google's body, not the plugin's message (which embeds that body), so whatever records it — a span,
 * a log line, the callable's error mapping — cannot record a key.
 */
export class GeminiCallError extends Error {
  constructor(readonly failure: GeminiCallFailure) {
    super(`Gemini call failed: ${failure.kind}`);
    this.name = "GeminiCallError";
  }
}

/** The HTTP status behind the GenkitError statuses the plugin assigns (it maps 401/403/404 to UNKNOWN). */
const httpStatusOfGenkitStatus: Partial<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/**
 * Classifies what the googleAI plugin threw for one call. HTTP failures are GenkitErrors that keep
 * Google's parsed body in `detail` (read structurally, never its text); a fetch that failed or was
 * aborted is a plain Error, whose cause the plugin reduces to text — so whether the request ever left
 * cannot be told, and it counts as `no_answer`; "no candidates" (the prompt itself was blocked) is the
 * plugin's FAILED_PRECONDITION without a body.
 */
export function classifyPluginError(error: unknown): GeminiCallFailure {
  if (error instanceof GeminiCallError) return error.failure;
  if (!(error instanceof GenkitError)) return { kind: "no_answer" };
  const body = error.detail as { error?: { code?: unknown } } | undefined;
  if (body && typeof body === "object" && body.error && typeof body.error === "object") {
    const code = typeof body.error.code === "number" ? body.error.code : httpStatusOfGenkitStatus[error.status];
    return classifyGeminiFailure(code, body);
  }
  if (error.status === "FAILED_PRECONDITION") return { kind: "blocked" };
  return classifyGeminiFailure(httpStatusOfGenkitStatus[error.status], undefined);
}
