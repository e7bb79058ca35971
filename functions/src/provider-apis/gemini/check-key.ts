import type { CheckKey } from "../provider-api";
import { requestKeyCheck } from "../key-check-request";
import { keyCheckOf } from "../upstream-failure";
import { classifyGeminiFailure } from "./errors";

/**
 * Asks Google about a key by requesting the model the app runs on (`models.get` spends no tokens), so a
 * key that works but whose project cannot use that model shows up now rather than at its first use. A 429
 * means the key is genuine but out of quota. Upstream text is never read or passed on: Google's messages
 * can quote the key.
 */
export const checkGeminiKey: CheckKey = async (apiKey, options) => {
  const url = `${options.baseUrl}/v1beta/models/${encodeURIComponent(options.model)}`;
  const answer = await requestKeyCheck(url, { "x-goog-api-key": apiKey }, options.timeoutMs);
  if (!answer) return "no_answer";
  return answer.ok ? "valid" : keyCheckOf(classifyGeminiFailure(answer.status, answer.body));
};
