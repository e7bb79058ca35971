import { aiUnavailable, keyInvalid, modelUnavailable } from "../errors";
import * as logs from "../logs";
import { isRetiredKeyShape } from "../providers";
import { classifyGeminiFailure } from "../ai/gemini-errors";

export type VerifiedKeyState = "active" | "quota_exhausted";

/**
 * Checks a key live by asking for the model the app runs on (`models.get` spends no tokens), so a key
 * that works but whose project cannot use that model is told so now rather than at its first use. A 429
 * means the key is genuine but out of quota, which is still worth storing. Upstream text is never read
 * or passed on: Google's messages can quote the key. Redirects are refused, not followed: a redirected
 * request would carry the key's header to wherever it points.
 */
export async function verifyGeminiKey(
  apiKey: string,
  options: { baseUrl: string; model: string; timeoutMs: number },
): Promise<VerifiedKeyState> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1beta/models/${encodeURIComponent(options.model)}`, {
      headers: { "x-goog-api-key": apiKey },
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    throw aiUnavailable("Could not reach Google to check this key. Nothing was saved; try again in a moment.");
  }
  if (response.ok) {
    await response.body?.cancel();
    return "active";
  }
  const body: unknown = await response.json().catch(() => undefined);
  const failure = classifyGeminiFailure(response.status, body);
  switch (failure.kind) {
    case "key_invalid":
      throw keyInvalid("saving", isRetiredKeyShape("googleai", apiKey));
    case "quota":
      return "quota_exhausted";
    case "model_unavailable":
      logs.modelUnavailable(options.model, "key_check");
      throw modelUnavailable(options.model, "saving");
    case "transient":
    case "unexpected":
      throw aiUnavailable("Google could not check this key right now. Nothing was saved; try again in a moment.");
  }
}
