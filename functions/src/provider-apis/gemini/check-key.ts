import type { CheckKey } from "../provider-api";
import { keyCheckOf } from "../upstream-failure";
import { classifyGeminiFailure } from "./errors";

/**
 * Asks Google about a key by requesting the model the app runs on (`models.get` spends no tokens), so a
 * key that works but whose project cannot use that model shows up now rather than at its first use. A 429
 * means the key is genuine but out of quota. Upstream text is never read or passed on: Google's messages
 * can quote the key. Redirects are refused, not followed: a redirected request would carry the key's
 * header to wherever it points.
 */
export const checkGeminiKey: CheckKey = async (apiKey, options) => {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1beta/models/${encodeURIComponent(options.model)}`, {
      headers: { "x-goog-api-key": apiKey },
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
  return keyCheckOf(classifyGeminiFailure(response.status, body));
};
