import type { UpstreamFailure } from "../upstream-failure";
import { isRecord } from "../json-values";

/**
 * Reads OpenAI's error envelope `{"error":{"message","type","param","code"}}` by its structured fields
 * (HTTP status, `error.code`, `error.type`) and the `retry-after` / `x-ratelimit-reset-*` headers; never
 * `error.message`: the 401 for a wrong key quotes the key (first 8 characters, a star per hidden one,
 * the last 4), and messages change. Bodies, sources and the table this implements are in
 * docs/openai-anthropic-api.md (OpenAI).
 */

/** What the classifier reads of a response's headers: a fetch `Headers` or anything with its `get`. */
export type HeaderReader = Pick<Headers, "get">;

interface OpenAiErrorBody {
  error?: { type?: unknown; code?: unknown; param?: unknown };
}

/**
 * 429 codes of an account that is out of credit or past a spend or usage limit (all with
 * `type: "insufficient_quota"`): the key is genuine, and waiting a minute will not help.
 */
const quotaCodes = new Set([
  "insufficient_quota",
  "credit_balance_exhausted",
  "organization_spend_limit_exceeded",
  "project_spend_limit_exceeded",
  "organization_usage_limit_exceeded",
]);

/** Other limits OpenAI may name the same way (a new `*_spend_limit_exceeded` is still a spent limit). */
const spentLimitCode = /_(?:spend|usage)_limit_(?:exceeded|reached)$/;

/** Codes that say the key itself is refused: mistyped, revoked or deleted, or its account deactivated. */
const keyRefusedCodes = new Set(["invalid_api_key", "account_deactivated"]);

/**
 * Classifies an HTTP status plus (possibly absent or non-JSON) body and headers from the OpenAI API.
 * `httpStatus` undefined means no answer was read (treated like a server error).
 */
export function classifyOpenAiFailure(httpStatus: number | undefined, body: unknown, headers?: HeaderReader): UpstreamFailure {
  const error = isRecord(body) && isRecord((body as OpenAiErrorBody).error) ? (body as Required<OpenAiErrorBody>).error : undefined;
  const code = typeof error?.code === "string" ? error.code : undefined;
  const type = typeof error?.type === "string" ? error.type : undefined;

  if (type === "insufficient_quota" || (code !== undefined && (quotaCodes.has(code) || spentLimitCode.test(code)))) {
    return { kind: "quota" };
  }
  if (code !== undefined && keyRefusedCodes.has(code)) return { kind: "key_invalid" };
  if (httpStatus === 401 || httpStatus === 403) {
    // 401/403 with `code: null`: the key authenticated but may not do this (a restricted key without the
    // scope, an IP allowlist); a 403 is about permission whatever its code (a project not allowed the
    // model). Any other 401 is OpenAI refusing the key.
    if (error !== undefined && error.code === null) return { kind: "key_not_permitted" };
    return httpStatus === 403 ? { kind: "key_not_permitted" } : { kind: "key_invalid" };
  }
  // OpenAI authenticates before it looks up the model, so `model_not_found` is never about the key.
  if (code === "model_not_found") return { kind: "model_unavailable" };
  if (httpStatus === 429) return { kind: "rate_limited", retryAfterSeconds: retryAfterSeconds(headers, type) };
  // 400 `invalid_prompt`: OpenAI's policy filter flagged the prompt.
  if (code === "invalid_prompt") return { kind: "blocked" };
  // 503 `server_is_overloaded` (type `service_unavailable_error`): capacity, the model is busy.
  if (code === "server_is_overloaded" || httpStatus === 503) return { kind: "model_busy" };
  if (httpStatus === undefined || httpStatus >= 500 || httpStatus === 408 || httpStatus === 409) return { kind: "transient" };
  return { kind: "unexpected" };
}

/**
 * When a rate-limited request may be sent again, in whole seconds: `retry-after-ms`, else `retry-after`
 * (seconds or an HTTP date), else the reset of the limit that was hit (`x-ratelimit-reset-tokens` for
 * `type: "tokens"`, `-requests` for `"requests"`, the later of the two otherwise).
 */
function retryAfterSeconds(headers: HeaderReader | undefined, type: string | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const resets = (type === "tokens" ? ["tokens"] : type === "requests" ? ["requests"] : ["requests", "tokens"])
    .map((limit) => durationSeconds(headers.get(`x-ratelimit-reset-${limit}`)))
    .filter((seconds): seconds is number => seconds !== undefined);
  return resets.length ? Math.ceil(Math.max(...resets)) : undefined;
}

/** OpenAI's reset durations: "20ms", "7s", "1.5s", "6m0s", "1h2m3s". */
function durationSeconds(value: string | null): number | undefined {
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(value?.trim() ?? "");
  if (!match || !value?.trim()) return undefined;
  const [, hours = "0", minutes = "0", seconds = "0", milliseconds = "0"] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(milliseconds) / 1000;
}
