import { redactKeysInWrites } from "./redact-keys-in-writes";

/**
 * The functions process's stdout and stderr, which Cloud Logging reads, never carry a key: imported first
 * by index.ts, so it is in place before any other module (firebase-functions among them) can write.
 * This module's import-time effect is its purpose: it must precede everything else, which a function
 * called from index.ts's body (after every import has run) could not.
 */

const stdout = redactKeysInWrites(process.stdout);
const stderr = redactKeysInWrites(process.stderr);

// stdout and stderr are synchronous for files and pipes, so the end of an unfinished line still gets out.
process.on("exit", () => {
  stdout.flush();
  stderr.flush();
});
