import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStandaloneFirestore } from "../../dev/firestore-emulator";
import { superviseUntilExit } from "../../dev/stop-on-signals";

/**
 * What `npm start` runs, reduced to its shape, for test/integration/npm-start-cleanup.test.ts: the real
 * standalone Firestore emulator (detached, in its own process group) on the port given as argv[2], beside a
 * child in our own process group that stands where firebase-tools does, supervised as dev/run.ts does.
 * Prints "supervised stack ready" once both run; exits when the child has exited and the emulator is stopped.
 */
async function main() {
  const port = Number(process.argv[2]);
  const firestore = await startStandaloneFirestore({
    endpoint: { host: "127.0.0.1", port },
    projectId: "demo-supervised-stack",
    rulesPath: join(__dirname, "..", "..", "firestore.rules"),
    logPath: join(mkdtempSync(join(tmpdir(), "supervised-stack-")), "firestore.log"),
  });
  const firebaseTools = spawn(process.execPath, ["-e", "setInterval(() => undefined, 1000)"], { stdio: "ignore" });
  const exitCode = superviseUntilExit(firebaseTools, () => firestore.stop());
  // Only now: the signal handlers are in place once superviseUntilExit has been called.
  console.log("supervised stack ready");
  process.exit(await exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
