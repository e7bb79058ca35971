import { aiUnavailable, keyInvalid, modelUnavailable } from "../errors";
import * as logs from "../logs";
import { isRetiredKeyShape } from "../providers";
import { classifyGeminiFailure } from "../ai/gemini-errors";

export type VerifiedKeyState = "active" | "quota_exhausted";

/**
 * Google's answer about a key: usable, genuine but out of quota, refused, the model not served to it, an
 * error of Google's own (`unreachable`), or no answer at all (`no_answer`: not reached, timed out, redirected).
 */
export type GeminiKeyCheck = "valid" | "quota_exhausted" | "rejected_by_provider" | "model_unavailable" | "unreachable" | "no_answer";

/**
 * Asks Google about a key by requesting the model the app runs on (`models.get` spends no tokens), so a
 * key that works but whose project cannot use that model shows up now rather than at its first use. A 429
 * means the key is genuine but out of quota. Upstream text is never read or passed on: Google's messages
 * can quote the key. Redirects are refused, not followed: a redirected request would carry the key's
 * header to wherever it points.
 */
export async function checkGeminiKey(apiKey: string, options: { baseUrl: string; model: string; timeoutMs: number }): Promise<GeminiKeyCheck> {
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
  const failure = classifyGeminiFailure(response.status, body);
  switch (failure.kind) {
    case "key_invalid":
      return "rejected_by_provider";
    case "quota":
      return "quota_exhausted";
    case "model_unavailable":
      logs.modelUnavailable(options.model, "key_check");
      return "model_unavailable";
    case "transient":
    case "unexpected":
      return "unreachable";
  }
}

/**
 * The check `setApiKey` makes before it stores a key: a usable key is `active`, a genuine one out of
 * quota `quota_exhausted` (still worth storing); anything else is refused with the reason to tell the user.
 */
export async function verifyGeminiKey(
  apiKey: string,
  options: { baseUrl: string; model: string; timeoutMs: number },
): Promise<VerifiedKeyState> {
  switch (await checkGeminiKey(apiKey, options)) {
    case "valid":
      return "active";
    case "quota_exhausted":
      return "quota_exhausted";
    case "rejected_by_provider":
      throw keyInvalid("saving", isRetiredKeyShape("googleai", apiKey));
    case "model_unavailable":
      throw modelUnavailable(options.model, "saving");
    case "no_answer":
      throw aiUnavailable("Could not reach Google to check this key. Nothing was saved; try again in a moment.");
    case "unreachable":
      throw aiUnavailable("Google could not check this key right now. Nothing was saved; try again in a moment.");
  }
}
