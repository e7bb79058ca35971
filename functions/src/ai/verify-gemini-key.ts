import { aiUnavailable, keyInvalid } from "../errors";
import { classifyGeminiFailure } from "./gemini-errors";

export type VerifiedKeyState = "active" | "quota_exhausted";

/**
 * Checks a key live with the cheapest call the API has (list one model; spends no tokens). A 429 means
 * the key is genuine but out of quota, which is still worth storing. Upstream text is never read or
 * passed on: Google's messages can quote the key.
 */
export async function verifyGeminiKey(apiKey: string, options: { baseUrl: string; timeoutMs: number }): Promise<VerifiedKeyState> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1beta/models?pageSize=1`, {
      headers: { "x-goog-api-key": apiKey },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    throw aiUnavailable("Could not reach Google to check this key. Nothing was saved; try again in a moment.");
  }
  if (response.ok) {
    await response.body?.cancel();
    return "active";
  }
  const body = await response.json().catch(() => undefined);
  const failure = classifyGeminiFailure(response.status, body);
  switch (failure.kind) {
    case "key_invalid":
      throw keyInvalid();
    case "quota":
      return "quota_exhausted";
    case "transient":
    case "unexpected":
      throw aiUnavailable("Google could not check this key right now. Nothing was saved; try again in a moment.");
  }
}
