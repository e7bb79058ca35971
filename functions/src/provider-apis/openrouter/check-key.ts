import type { CheckKey, KeyCheck, KeyCredit } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { keyCheckOf } from "../upstream-failure";
import { classifyOpenRouterFailure } from "./errors";
import { isRecord } from "../json-values";

/**
 * Asks OpenRouter about a key with `GET /api/v1/key`, which describes the key without running a model or
 * spending credit, and reports the key's credit (`limit_remaining`, `limit`) to `options.onCredit`.
 *
 * The verdicts (docs/openrouter-api.md §2): a key whose `expires_at` has passed is refused
 * (`rejected_by_provider`), whatever else the answer says; a management key cannot call models
 * (`not_permitted`); a key with `limit_remaining` ≤ 0 is genuine but out of credit (`quota_exhausted`);
 * otherwise `valid`. An error answer is classified by its structured fields (errors.ts): 401 → rejected,
 * 402 → out of credit, 429 → valid (only an authenticated key is rate limited), 5xx → unreachable.
 *
 * What it cannot tell: whether the account's balance (rather than the key's own limit) covers a request,
 * and whether the configured model is served; both show at the first call (402, 404).
 *
 * Message text is never read or passed on.
 */
export const checkOpenRouterKey: CheckKey = async (apiKey, options) => {
  const answer = await describeOpenRouterKey(apiKey, options.baseUrl, options.timeoutMs);
  if (answer.credit) options.onCredit?.(answer.credit);
  return answer.check;
};

/** What `GET /api/v1/key` says of a key: the verdict, and the credit when the key was described. */
export async function describeOpenRouterKey(apiKey: string, baseUrl: string, timeoutMs: number, now = new Date()): Promise<{ check: KeyCheck; credit?: KeyCredit }> {
  const answer = await requestKeyCheck(`${baseUrl}/api/v1/key`, { authorization: `Bearer ${apiKey}` }, timeoutMs);
  if (!answer) return { check: "no_answer" };
  if (!answer.ok) return { check: keyCheckOf(classifyOpenRouterFailure(answer.status, answer.body, answer.headers)) };
  return verdictOfKeyData(answer.body, now);
}

/** The verdict on a 200 answer of `GET /api/v1/key` (exported for unit tests). */
export function verdictOfKeyData(body: unknown, now: Date): { check: KeyCheck; credit?: KeyCredit } {
  const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
  // A 200 without the key's description is not an answer about the key.
  if (!data) return { check: "unreachable" };
  const credit: KeyCredit = { remaining: finiteOrNull(data.limit_remaining), limit: finiteOrNull(data.limit) };
  const expiresAt = typeof data.expires_at === "string" ? Date.parse(data.expires_at) : Number.NaN;
  if (Number.isFinite(expiresAt) && expiresAt <= now.getTime()) return { check: "rejected_by_provider" };
  if (data.is_management_key === true || data.is_provisioning_key === true) return { check: "not_permitted" };
  if (credit.remaining !== null && credit.remaining <= 0) return { check: "quota_exhausted", credit };
  return { check: "valid", credit };
}

const finiteOrNull = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
