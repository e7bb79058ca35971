import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { parseArgs } from "node:util";
import { isLoopbackAddress } from "../functions/src/config";
import { createKmsClient, rewrapKms } from "../functions/src/vault/kms-key-wrapper";
import { defaultRewrapKmsCalls, rewrapApiKeys } from "../functions/src/vault/rewrap";
import { hostPort, loadStackConfig } from "./stack-config";

/**
 * `npm run keys:rewrap [-- --project <id>] [--max-kms-calls <n>]`: one run of the re-wrap job, the same
 * code as the scheduled `rewrapApiKeys` (functions/src/vault/rewrap.ts), for an operator who has just
 * rotated the KMS key and wants to disable the old version without waiting for the nightly run.
 *
 * The project is `--project`, else GCLOUD_PROJECT, else .firebaserc's default. A `demo-` project is the
 * emulators (`npm start` must be running): Firestore and the local KMS at the addresses in firebase.json.
 * It needs nothing from the shell: the emulators' addresses come from firebase.json (see localEndpoints).
 * A real project is reached with Application Default Credentials (`gcloud auth application-default
 * login`), with KMS_KEY_NAME from the environment or functions/.env.<project>.
 *
 * Prints scanned / re-wrapped / already current / skipped / failed / recovered / unreadable, and whether
 * the old versions may be disabled; exits 1 if any record failed or is unreadable under a version that
 * still exists, 2 if the run stopped at its bound before the end (run it again to continue).
 */

const { values } = parseArgs({
  options: {
    project: { type: "string" },
    "max-kms-calls": { type: "string", default: String(defaultRewrapKmsCalls) },
  },
});
if (values.project) process.env.GCLOUD_PROJECT = values.project;
const config = loadStackConfig();
const maxKmsCalls = Number(values["max-kms-calls"]);

async function main(): Promise<number> {
  if (!Number.isInteger(maxKmsCalls) || maxKmsCalls < 3) throw new Error("--max-kms-calls must be a whole number, at least 3.");
  if (!config.kmsKeyName) throw new Error(`No KMS_KEY_NAME: set it in the environment or in functions/.env.${config.projectId}.`);
  const local = localEndpoints();
  if (getApps().length === 0) initializeApp({ projectId: config.projectId });
  const where = local ? ` (emulators: Firestore ${local.firestore}, KMS ${local.kms})` : "";
  console.log(`Re-wrapping the stored keys of ${config.projectId}${where}, at most ${maxKmsCalls} KMS calls.`);

  const client = createKmsClient(local ? { localKmsHost: local.kms } : {});
  try {
    const counts = await rewrapApiKeys(
      getFirestore(),
      rewrapKms(client, config.kmsKeyName),
      { maxKmsCalls },
    );
    console.log(`Primary version: ${counts.primaryVersion}`);
    console.log(
      `scanned ${counts.scanned}, re-wrapped ${counts.rewrapped}, already current ${counts.alreadyCurrent}, ` +
        `skipped ${counts.skipped}, failed ${counts.failed}, recovered ${counts.recovered}, unreadable ${counts.unreadable} ` +
        `(${counts.kmsCalls} KMS calls)`,
    );
    if (!counts.passComplete) console.log("Stopped at the KMS call bound before the end: run it again to continue where it stopped.");
    if (counts.failed > 0) console.log("Some records failed: see the log lines above; unreadable ones are now marked `unreadable`.");
    if (counts.unreadable > 0) {
      console.log(
        `${counts.unreadable} unreadable record(s) are under a version that is not enabled but still exists: ` +
          `${counts.unreadableVersions.join(", ")}. Enable (or restore) it and run again to recover them; destroying it loses them.`,
      );
    }
    const safe = counts.fromStart && counts.passComplete && counts.failed === 0 && counts.unreadable === 0;
    console.log(
      safe
        ? `Safe to disable every version but ${counts.primaryVersion}: every record seen in one run, failed 0, unreadable 0.`
        : `Not yet safe to disable the old versions${counts.fromStart ? "" : " (this run continued an earlier one: run it again for a whole pass)"}; see docs/key-rewrap.md.`,
    );
    return counts.failed > 0 || counts.unreadable > 0 ? 1 : counts.passComplete ? 0 : 2;
  } finally {
    await client.close();
  }
}

/**
 * A `demo-` project is the emulators, and this script says so itself rather than relying on the shell:
 * Firestore and the local KMS at firebase.json's addresses, which must be loopback ones. The functions'
 * own emulator test (config.ts runsOnEmulator) does not apply to a tool run from a terminal. A real
 * project is reached only through Google's endpoints: an emulator variable left in the shell is refused.
 */
function localEndpoints(): { firestore: string; kms: string } | undefined {
  if (!config.projectId.startsWith("demo-")) {
    for (const variable of ["FIRESTORE_EMULATOR_HOST", "KMS_EMULATOR_HOST"]) {
      if (process.env[variable]) throw new Error(`${variable} is set, but ${config.projectId} is a real project: unset it to re-wrap its keys.`);
    }
    return undefined;
  }
  const firestore = hostPort(config.firestore);
  const kms = hostPort(config.kms);
  for (const address of [firestore, kms]) {
    if (!isLoopbackAddress(address)) throw new Error(`firebase.json puts an emulator at ${address}: keys:rewrap talks only to emulators on this machine's loopback.`);
  }
  process.env.FIRESTORE_EMULATOR_HOST = firestore;
  return { firestore, kms };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
