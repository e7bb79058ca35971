import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { parseArgs } from "node:util";
import { createKmsClient, kmsKeyWrapper, kmsPrimaryVersion } from "../functions/src/vault/kms-key-wrapper";
import { defaultRewrapKmsCalls, rewrapApiKeys } from "../functions/src/vault/rewrap";
import { hostPort, loadStackConfig } from "./stack-config";

/**
 * `npm run keys:rewrap [-- --project <id>] [--max-kms-calls <n>]`: one run of the re-wrap job, the same
 * code as the scheduled `rewrapApiKeys` (functions/src/vault/rewrap.ts), for an operator who has just
 * rotated the KMS key and wants to disable the old version without waiting for the nightly run.
 *
 * The project is `--project`, else GCLOUD_PROJECT, else .firebaserc's default. A `demo-` project is the
 * emulators (`npm start` must be running): Firestore and the local KMS at the addresses in firebase.json.
 * A real project is reached with Application Default Credentials (`gcloud auth application-default
 * login`), with KMS_KEY_NAME from the environment or functions/.env.<project>.
 *
 * Prints scanned / re-wrapped / already current / skipped / failed; exits 1 if any record failed, 2 if
 * the run stopped at its bound before the end (run it again to continue).
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
  if (config.projectId.startsWith("demo-")) {
    process.env.FIRESTORE_EMULATOR_HOST ??= hostPort(config.firestore);
    process.env.KMS_EMULATOR_HOST ??= hostPort(config.kms);
  }
  if (getApps().length === 0) initializeApp({ projectId: config.projectId });
  const where = process.env.KMS_EMULATOR_HOST ? ` (emulators: Firestore ${process.env.FIRESTORE_EMULATOR_HOST}, KMS ${process.env.KMS_EMULATOR_HOST})` : "";
  console.log(`Re-wrapping the stored keys of ${config.projectId}${where}, at most ${maxKmsCalls} KMS calls.`);

  const client = createKmsClient();
  try {
    const counts = await rewrapApiKeys(
      getFirestore(),
      { wrapper: kmsKeyWrapper(client, config.kmsKeyName), primaryVersion: () => kmsPrimaryVersion(client, config.kmsKeyName) },
      { maxKmsCalls },
    );
    console.log(`Primary version: ${counts.primaryVersion}`);
    console.log(
      `scanned ${counts.scanned}, re-wrapped ${counts.rewrapped}, already current ${counts.alreadyCurrent}, ` +
        `skipped ${counts.skipped}, failed ${counts.failed} (${counts.kmsCalls} KMS calls)`,
    );
    if (!counts.passComplete) console.log("Stopped at the KMS call bound before the end: run it again to continue where it stopped.");
    if (counts.failed > 0) console.log("Some records failed: see the log lines above; unreadable ones are now marked `unreadable`.");
    return counts.failed > 0 ? 1 : counts.passComplete ? 0 : 2;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
