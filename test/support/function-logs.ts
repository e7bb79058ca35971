import assert from "node:assert/strict";
import { keyShaped } from "./keys";

/** One entry the functions logged: firebase-functions' logger writes each as a line of JSON. */
export interface LoggedEntry {
  severity?: string;
  message?: string;
  [field: string]: unknown;
}

export interface CapturedRun<T> {
  /** What `work` resolved to, or the error it rejected with. */
  outcome: { ok: true; value: T } | { ok: false; error: unknown };
  /** Every line written to stdout or stderr while `work` ran. */
  lines: string[];
  /** The lines that are log entries. */
  entries: LoggedEntry[];
}

/**
 * Runs `work` in this process and collects what it logs, keeping it out of the test output.
 * firebase-functions' logger writes through the console, which looks `write` up on process.stdout and
 * process.stderr at every call, so replacing `write` for the duration of `work` sees every line.
 * Tests run one at a time, so nothing else writes meanwhile.
 */
export async function captureLogs<T>(work: () => Promise<T>): Promise<CapturedRun<T>> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => Object.getOwnPropertyDescriptor(stream, "write"));
  const collect = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = rest.find((arg): arg is () => void => typeof arg === "function");
    callback?.();
    return true;
  };
  for (const stream of streams) Object.defineProperty(stream, "write", { value: collect, configurable: true, writable: true });
  let outcome: CapturedRun<T>["outcome"];
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    streams.forEach((stream, index) => {
      const original = originals[index];
      // Without an own `write`, the stream used its prototype's: remove ours to fall back to it again.
      if (original) Object.defineProperty(stream, "write", original);
      else delete (stream as { write?: unknown }).write;
    });
  }
  const lines = chunks.join("").split("\n").filter((line) => line.trim() !== "");
  const entries = lines.flatMap((line): LoggedEntry[] => {
    try {
      const parsed = JSON.parse(line) as LoggedEntry | null;
      return parsed && typeof parsed === "object" ? [parsed] : [];
    } catch {
      return [];
    }
  });
  return { outcome, lines, entries };
}

/**
 * An entry's message as the code wrote it: for ERROR entries firebase-functions logs "Error: <message>"
 * followed by a stack trace (for Error Reporting).
 */
export function messageOf(entry: LoggedEntry): string {
  return (entry.message ?? "").split("\n")[0].replace(/^Error: /, "");
}

/** Nothing that was logged holds a key. */
export function assertNoKeyLogged(lines: readonly string[]): void {
  // The line itself is not printed: it would put the key into this run's output.
  const leaked = lines.findIndex((line) => keyShaped.test(line));
  assert.ok(leaked === -1, `log line ${leaked + 1} of ${lines.length} holds a key-shaped string`);
}
