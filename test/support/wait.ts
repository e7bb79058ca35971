/**
 * Waits until `condition` holds, checking again whenever the previous check has finished (with a short
 * pause so the emulators are not flooded): a condition, not a fixed sleep. Fails with `what` on timeout.
 */
export async function waitUntil(what: string, condition: () => Promise<boolean>, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
