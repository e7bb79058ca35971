import type { ChildProcess } from "node:child_process";

/**
 * Waits until `url` answers with anything but 404 (a server still loading what it serves answers 404),
 * failing early if `child`, the process that should serve it, exits first.
 */
export async function waitForHttp(url: string, child: ChildProcess, options: { name: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited (code ${child.exitCode}) before answering at ${url}.`);
    try {
      if ((await fetch(url)).status !== 404) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${options.name} did not answer at ${url} within ${options.timeoutMs / 1000} s.`);
}
