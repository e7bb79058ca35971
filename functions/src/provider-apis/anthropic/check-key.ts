import type { CheckKey } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { keyCheckOf } from "../upstream-failure";
import { classifyAnthropicFailure } from "./errors";

/**
 * The Models API version header this check sends: the one every documented call of the Models API uses
 * (docs/openai-anthropic-api.md, Anthropic). The check reads only the status, `lifecycle` and error
 * fields, which do not depend on it.
 */
export const anthropicCheckApiVersion = "2023-06-01";

/**
 * Asks Anthropic about a key by fetching the model the app runs on (`GET /v1/models/{model}`, the Models
 * API: it runs no model and spends no tokens), so a key that works but may not use that model shows up now
 * rather than at its first use.
 *
 * What it cannot tell: whether the account has credit. Anthropic reports a credit balance too low only on
 * generation (a 400), so a key that passes here may still fail at its first use with `quota`.
 *
 * A 429 rate limit means the key authenticated and is only asking too fast: `valid` (the key is good; the
 * next call will find out whether the limit has lifted). A 429 for a spend cap, or a 402, is
 * `quota_exhausted`. Message text is never read or passed on.
 */
export const checkAnthropicKey: CheckKey = async (apiKey, options) => {
  const url = `${options.baseUrl}/v1/models/${encodeURIComponent(options.model)}`;
  const answer = await requestKeyCheck(url, { "x-api-key": apiKey, "anthropic-version": anthropicCheckApiVersion }, options.timeoutMs);
  if (!answer) return "no_answer";
  if (answer.ok) return isRetired(answer.body) ? "model_unavailable" : "valid";
  return keyCheckOf(classifyAnthropicFailure(answer.status, answer.body, answer.headers));
};

/**
 * A retired model stays in the Models API's catalogue, answered with `lifecycle: "retired"`, while every
 * generation naming it fails: for this app it is not served. A `deprecated` model still answers.
 */
function isRetired(body: unknown): boolean {
  return !!body && typeof body === "object" && (body as { lifecycle?: unknown }).lifecycle === "retired";
}
