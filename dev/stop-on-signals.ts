import type { ChildProcess } from "node:child_process";

/**
 * Runs until `child` (firebase-tools) exits, then `stopRest` (what we started beside it), and answers the
 * child's exit code. Ctrl-C, a kill, or a closed terminal (SIGHUP) must stop everything, not only this
 * process: the standalone Firestore emulator runs detached (so that Ctrl-C reaches it only after the
 * export) and would otherwise keep its port. So each of those signals asks the child to stop as Ctrl-C
 * does, which lets its export run, and the rest is stopped once it has exited. The handlers are in place
 * as soon as it is called.
 */
export async function superviseUntilExit(child: ChildProcess, stopRest: () => Promise<void>): Promise<number> {
  const stopChild = (signal: NodeJS.Signals) => {
    // A closed terminal takes no more output: a write would fail with EIO and end us before stopRest.
    if (signal === "SIGHUP") for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, stopChild);
  try {
    return await new Promise<number>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1);
      else child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stopRest();
    for (const signal of signals) process.off(signal, stopChild);
  }
}
