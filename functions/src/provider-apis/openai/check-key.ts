import type { CheckKey } from "../provider-api";
import { keyCheckOf } from "../upstream-failure";
import { classifyOpenAiFailure } from "./errors";

/**
 * Asks OpenAI about a key by retrieving the model the app runs on (`GET /v1/models/{model}`), which runs
 * no model and spends no tokens, and confirms the key can see that model: a key whose project is not
 * allowed it shows up now rather than at its first use. Plain fetch, no SDK, so key management stays light.
 *
 * The verdicts, from OpenAI's structured fields (errors.ts): 401 `invalid_api_key` or
 * `account_deactivated` → rejected; 401/403 with `code: null` (a restricted key without `api.model.read`,
 * an IP allowlist) → not permitted; 404 `model_not_found` → the model is unavailable; 429
 * `insufficient_quota` (any of its codes) → genuine but out of credit or past a spend limit; 429
 * `rate_limit_exceeded` → valid: only an authenticated key is counted against its organization's rate
 * limits, so the key is genuine, and it will work again in moments; 5xx → unreachable.
 *
 * Limits: a restricted key may lack `api.model.read` yet be allowed to generate (it is then reported
 * `not_permitted`); and whether an account without credit is refused here or only at generation is
 * undocumented, so a `valid` key may still meet `credit_balance_exhausted` at its first use.
 *
 * Message text is never read or passed on (the 401 quotes the key). Redirects are refused, not followed:
 * a redirected request would carry the key's header to wherever it points.
 */
export const checkOpenAiKey: CheckKey = async (apiKey, options) => {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1/models/${encodeURIComponent(options.model)}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    return "no_answer";
  }
  if (response.ok) {
    await response.body?.cancel();
    return "valid";
  }
  const body: unknown = await response.json().catch(() => undefined);
  return keyCheckOf(classifyOpenAiFailure(response.status, body, response.headers));
};
