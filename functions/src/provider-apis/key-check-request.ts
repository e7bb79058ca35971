/** A provider's complete answer to a key check's one GET: its status, headers and body (parsed JSON, or undefined). */
export interface KeyCheckAnswer {
  ok: boolean;
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The one GET every provider's key check makes (plain fetch, no SDK: key management stays light).
 * Redirects are refused, not followed: a redirected request would carry the key's header to wherever it
 * points. Bounded by `timeoutMs`. The body is read whole; undefined when no complete answer came (not
 * reached, redirected, timed out, or cut off): the check's `no_answer`. Message text is the caller's to
 * ignore: only structured fields decide a verdict.
 */
export async function requestKeyCheck(url: string, headers: Record<string, string>, timeoutMs: number): Promise<KeyCheckAnswer | undefined> {
  try {
    const response = await fetch(url, { headers: { accept: "application/json", ...headers }, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { ok: response.ok, status: response.status, headers: response.headers, body: parseJson(text) };
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
