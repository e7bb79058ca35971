import type { CheckKey } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { keyCheckOf } from "../upstream-failure";
import { classifyOpenAiFailure } from "./errors";

/**
 * Asks OpenAI about a key by retrieving the model the app runs on (`GET /v1/models/{model}`), which runs
 * no model and spends no tokens, and confirms the key can see that model: a key whose project is not
 * allowed it shows up now rather than at its first use.
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
 * Message text is never read or passed on (the 401 quotes the key).
 */
export const checkOpenAiKey: CheckKey = async (apiKey, options) => {
  const url = `${options.baseUrl}/v1/models/${encodeURIComponent(options.model)}`;
  const answer = await requestKeyCheck(url, { authorization: `Bearer ${apiKey}` }, options.timeoutMs);
  if (!answer) return "no_answer";
  return answer.ok ? "valid" : keyCheckOf(classifyOpenAiFailure(answer.status, answer.body, answer.headers));
};
