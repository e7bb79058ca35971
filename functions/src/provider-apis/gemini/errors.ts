import type { UpstreamFailure } from "../upstream-failure";

/**
 * Reads Google's structured error bodies (`error.status`, `error.details[].reason`), never their
 * message text: messages change, some (a suspended key's) quote the key itself, and some mislead (the
 * 401 for an unsupported key type talks about OAuth). The bodies are in docs/gemini-api.md.
 */

const keyRejectedReasons = new Set([
  "API_KEY_INVALID",
  "API_KEY_EXPIRED",
  "API_KEY_SERVICE_BLOCKED",
  "API_KEY_HTTP_REFERRER_BLOCKED",
  "API_KEY_IP_ADDRESS_BLOCKED",
  "API_KEY_ANDROID_APP_BLOCKED",
  "API_KEY_IOS_APP_BLOCKED",
  "SERVICE_DISABLED",
  "CONSUMER_SUSPENDED",
  // 401 UNAUTHENTICATED for a key of a type the API no longer takes (standard keys around the 2026
  // cut-off, auth keys of projects not yet enabled for them): the fix is a new key, whatever the message says.
  "ACCESS_TOKEN_TYPE_UNSUPPORTED",
]);

interface GoogleErrorBody {
  error?: {
    code?: number;
    status?: string;
    details?: Array<{ "@type"?: string; reason?: string; retryDelay?: string }>;
  };
}

/** Classifies an HTTP status plus (possibly absent or non-JSON) body from the Generative Language API. */
export function classifyGeminiFailure(httpStatus: number | undefined, body: unknown): UpstreamFailure {
  const error = (body as GoogleErrorBody | undefined)?.error;
  const status = error?.status;
  const details = Array.isArray(error?.details) ? error.details : [];
  const reasons = details.map((d) => d?.reason).filter((r): r is string => typeof r === "string");

  if (reasons.some((r) => keyRejectedReasons.has(r))) return { kind: "key_invalid" };
  if (httpStatus === 429 || status === "RESOURCE_EXHAUSTED") {
    return { kind: "quota", retryAfterSeconds: retryDelaySeconds(details) };
  }
  if (httpStatus === 401 || httpStatus === 403 || status === "UNAUTHENTICATED" || status === "PERMISSION_DENIED") {
    return { kind: "key_invalid" };
  }
  // Google authenticates the key before it looks up the model, so a 404 here is about the model.
  if (httpStatus === 404 || status === "NOT_FOUND") return { kind: "model_unavailable" };
  // 503 UNAVAILABLE: "The model is overloaded" / "This model is currently experiencing high demand".
  if (httpStatus === 503 || status === "UNAVAILABLE") return { kind: "model_busy" };
  if (httpStatus === undefined || httpStatus >= 500 || httpStatus === 408) return { kind: "transient" };
  if (status === "INTERNAL" || status === "DEADLINE_EXCEEDED") return { kind: "transient" };
  return { kind: "unexpected" };
}

/** `RetryInfo.retryDelay` is a protobuf Duration in JSON form, e.g. "59s" or "1.5s". */
function retryDelaySeconds(details: Array<{ "@type"?: string; retryDelay?: string }>): number | undefined {
  const retryInfo = details.find((d) => d?.["@type"]?.endsWith("google.rpc.RetryInfo"));
  const match = /^(\d+(?:\.\d+)?)s$/.exec(retryInfo?.retryDelay ?? "");
  return match ? Math.ceil(Number(match[1])) : undefined;
}
