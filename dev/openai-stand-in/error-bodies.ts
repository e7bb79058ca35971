/**
 * Error answers shaped like the OpenAI API's (docs/openai-anthropic-api.md, OpenAI): the envelope
 * `{"error":{"message","type","param","code"}}`, the status, and the headers that go with it. Clients
 * must classify by status, `error.code` and `error.type`; the messages are OpenAI's own wording (the
 * invalid-key one quotes the key masked exactly as OpenAI masks it), so code that wrongly forwards a
 * message is caught by tests. Where OpenAI's wording is not known, the comment says so.
 */

/** The JSON body of an error answer. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error answer: HTTP status, body and the extra headers OpenAI sends with it. */
export interface OpenAiError {
  httpStatus: number;
  body: OpenAiErrorBody;
  headers?: Record<string, string>;
}

function openAiError(
  httpStatus: number,
  error: { message: string; type: string; param?: string | null; code: string | null },
  headers?: Record<string, string>,
): OpenAiError {
  return { httpStatus, body: { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } }, ...(headers ? { headers } : {}) };
}

/**
 * The key as OpenAI's 401 quotes it: characters 1–8, one `*` per hidden character, the last 4. A value
 * too short to hide anything comes back whole (OpenAI's exact cut-off is not documented).
 */
export function maskedKey(apiKey: string): string {
  if (apiKey.length <= 12) return apiKey;
  return `${apiKey.slice(0, 8)}${"*".repeat(apiKey.length - 12)}${apiKey.slice(-4)}`;
}

/** 401 for a key OpenAI does not know (mistyped, revoked, deleted; and, locally, an admin key): the message quotes it. */
export const invalidKeyError = (apiKey: string): OpenAiError =>
  openAiError(401, {
    message: `Incorrect API key provided: ${maskedKey(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: "invalid_request_error",
    code: "invalid_api_key",
  });

/** 401 for a request without an Authorization header (the app never sends one). */
export const missingKeyError = (): OpenAiError =>
  openAiError(401, {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (i.e. username: YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: null,
  });

/** 401 for a key whose account or organization OpenAI deactivated. */
export const accountDeactivatedError = (): OpenAiError =>
  openAiError(401, {
    message:
      "The OpenAI account associated with this API key has been deactivated. If you are the developer for this OpenAI app, please check your email for more information. If you are seeing this error while using another app or site, please reach out to them for more help.",
    type: "invalid_request_error",
    code: "account_deactivated",
  });

/**
 * A restricted key without a scope: `code: null`. OpenAI answers 401 for `model.request` (generation);
 * for `api.model.read` (the models endpoints) both 401 and 403 are reported; this stand-in answers 403.
 */
export const missingScopeError = (httpStatus: 401 | 403, scope: string): OpenAiError =>
  openAiError(httpStatus, {
    message: `You have insufficient permissions for this operation. Missing scopes: ${scope}. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.`,
    type: "invalid_request_error",
    code: null,
  });

/** 404 for a model that does not exist or is not open to the key's project. */
export const modelNotFoundError = (model: string): OpenAiError =>
  openAiError(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: "invalid_request_error",
    code: "model_not_found",
  });

/** 429 of an account out of quota (the older body, still sent). No retry-after: waiting does not help. */
export const insufficientQuotaError = (): OpenAiError =>
  openAiError(429, {
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    type: "insufficient_quota",
    code: "insufficient_quota",
  });

/** 429 of a prepaid account whose credit is used up. OpenAI's message text is not known; type and code are. */
export const creditBalanceExhaustedError = (): OpenAiError =>
  openAiError(429, {
    message: "Your credit balance is exhausted. Add credits in your billing settings to continue: https://platform.openai.com/settings/organization/billing/overview.",
    type: "insufficient_quota",
    code: "credit_balance_exhausted",
  });

/** What a rate-limited answer says about the limit it hit. */
export interface RateLimitState {
  /** Requests per minute (models endpoints) or tokens per minute (generation). */
  limit: "requests" | "tokens";
  model: string;
  organization: string;
  retryAfterSeconds: number;
}

/**
 * 429 `rate_limit_exceeded`, with `type` naming the limit hit (`requests` / `tokens`), `retry-after`,
 * and the `x-ratelimit-*` headers OpenAI sends with every answer (remaining at 0 for the limit hit).
 */
export function rateLimitError(state: RateLimitState): OpenAiError {
  const resetSeconds = state.retryAfterSeconds - 0.426;
  const message =
    state.limit === "tokens"
      ? `Rate limit reached for ${state.model} in organization ${state.organization} on tokens per min (TPM): Limit 200000, Used 162960, Requested 42288. Please try again in ${resetSeconds.toFixed(3)}s. Visit https://platform.openai.com/account/rate-limits to learn more.`
      : `Rate limit reached for ${state.model} in organization ${state.organization} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${resetSeconds.toFixed(3)}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  return openAiError(
    429,
    { message, type: state.limit, code: "rate_limit_exceeded" },
    {
      "retry-after": String(state.retryAfterSeconds),
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-limit-tokens": "200000",
      "x-ratelimit-remaining-requests": state.limit === "requests" ? "0" : "499",
      "x-ratelimit-remaining-tokens": state.limit === "tokens" ? "0" : "199000",
      "x-ratelimit-reset-requests": state.limit === "requests" ? `${resetSeconds.toFixed(3)}s` : "120ms",
      "x-ratelimit-reset-tokens": state.limit === "tokens" ? `${resetSeconds.toFixed(3)}s` : "300ms",
    },
  );
}

/** 500: an error of OpenAI's own. */
export const serverError = (): OpenAiError =>
  openAiError(500, { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null });

/** 503: OpenAI out of capacity. Its field order differs from the other bodies; the stand-in sends it as the reference shows. */
export function overloadedError(): OpenAiError {
  return {
    httpStatus: 503,
    body: {
      error: { code: "server_is_overloaded", message: "Our servers are currently overloaded. Please try again later.", param: null, type: "service_unavailable_error" },
    },
  };
}

/** 404 for a path the API does not have. */
export const invalidUrlError = (method: string, path: string): OpenAiError =>
  openAiError(404, { message: `Invalid URL (${method} ${path})`, type: "invalid_request_error", code: null });

/** 400 for a body that is not JSON. */
export const unparseableBodyError = (): OpenAiError =>
  openAiError(400, {
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    type: "invalid_request_error",
    code: null,
  });

/** 400 for a missing required parameter such as `messages`. */
export const missingParameterError = (name: string): OpenAiError =>
  openAiError(400, { message: `Missing required parameter: '${name}'.`, type: "invalid_request_error", param: name, code: "missing_required_parameter" });

/** 400 for a parameter the model does not take, e.g. `max_tokens` on GPT-5/6 models. */
export const unsupportedParameterError = (name: string, instead?: string): OpenAiError =>
  openAiError(400, {
    message: `Unsupported parameter: '${name}' is not supported with this model.${instead ? ` Use '${instead}' instead.` : ""}`,
    type: "invalid_request_error",
    param: name,
    code: "unsupported_parameter",
  });

/** 400 for a value the model does not take, e.g. a temperature other than 1 on a reasoning model. */
export const unsupportedTemperatureError = (temperature: unknown): OpenAiError =>
  openAiError(400, {
    message: `Unsupported value: 'temperature' does not support ${String(temperature)} with this model. Only the default (1) value is supported.`,
    type: "invalid_request_error",
    param: "temperature",
    code: "unsupported_value",
  });

/**
 * 400 for a `response_format` schema that strict mode refuses. The wording follows OpenAI's
 * ("Invalid schema for response_format '…': In context=(…), …"); the exact text and code are not confirmed.
 */
export const invalidSchemaError = (name: string, context: readonly string[], problem: string): OpenAiError =>
  openAiError(400, {
    message: `Invalid schema for response_format '${name}': In context=(${context.map((part) => `'${part}'`).join(", ")}), ${problem}`,
    type: "invalid_request_error",
    param: "response_format",
    code: null,
  });

/** 400 for `response_format: json_object` when no message mentions JSON. */
export const jsonWordMissingError = (): OpenAiError =>
  openAiError(400, {
    message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    type: "invalid_request_error",
    param: "messages",
    code: null,
  });

/** Not OpenAI's: the stand-in does not implement streamed completions, and says so rather than pretend. */
export const streamingNotImplementedError = (): OpenAiError =>
  openAiError(400, { message: "The OpenAI stand-in does not implement stream: true.", type: "invalid_request_error", param: "stream", code: null });
