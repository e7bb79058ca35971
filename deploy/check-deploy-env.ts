import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { emulatorOnlyVariables } from "../functions/src/config";

/**
 * `npm run check:deploy-env`, the first step of firebase.json's functions predeploy: refuses a deploy
 * whose functions environment sets a variable that only the emulator may honour (FUNCTIONS_EMULATOR,
 * KMS_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST, each provider's *_API_BASE_URL; config.ts lists them).
 * The deployed functions refuse them anyway (config.ts); this stops the deploy before anything is
 * uploaded, and names the file and the variable.
 *
 * It reads the files `firebase deploy` uploads as the functions' environment (firebase-tools
 * src/functions/env.ts findEnvfiles): `.env`, `.env.<project id>` and `.env.<alias>` for each alias of the
 * project in .firebaserc, never `.env.local` (emulator only). firebase-tools gives predeploy hooks
 * GCLOUD_PROJECT, PROJECT_DIR and RESOURCE_DIR (the functions source); the files are parsed with
 * firebase-tools' own dotenv parser, so `export X=…` and quoted values count as deploy would read them.
 */

type DotEnvParser = (data: string) => { envs: Record<string, string>; errors: string[] };
const { parse } = createRequire(__filename)("firebase-tools/lib/functions/env") as { parse: DotEnvParser };

const projectId = process.env.GCLOUD_PROJECT;
const projectDir = process.env.PROJECT_DIR ?? join(__dirname, "..");
const functionsDir = process.env.RESOURCE_DIR ?? join(projectDir, "functions");

function aliasesOf(project: string): string[] {
  const firebaserc = join(projectDir, ".firebaserc");
  if (!existsSync(firebaserc)) return [];
  const { projects = {} } = JSON.parse(readFileSync(firebaserc, "utf8")) as { projects?: Record<string, string> };
  return Object.entries(projects)
    .filter(([alias, id]) => id === project && alias !== project)
    .map(([alias]) => alias);
}

function main(): number {
  if (!projectId) {
    console.error("check-deploy-env: GCLOUD_PROJECT is not set (firebase deploy sets it for predeploy steps).");
    return 2;
  }
  const files = [".env", `.env.${projectId}`, ...aliasesOf(projectId).map((alias) => `.env.${alias}`)]
    .map((name) => join(functionsDir, name))
    .filter((path) => existsSync(path));
  const refused: string[] = [];
  for (const path of files) {
    const { envs } = parse(readFileSync(path, "utf8"));
    for (const variable of emulatorOnlyVariables) {
      if (variable in envs) refused.push(`${relative(projectDir, path)} sets ${variable}`);
    }
  }
  if (refused.length > 0) {
    console.error(
      [
        `Deploy to ${projectId} refused: its functions environment sets variables only the emulator may use.`,
        ...refused.map((line) => `  ${line}`),
        "They point the functions away from Cloud KMS, Firestore or the providers' official APIs. Remove them;",
        "for local runs put them in functions/.env.local (emulator only) or your shell.",
      ].join("\n"),
    );
    return 1;
  }
  console.log(`Deploy environment of ${projectId}: no emulator-only variable in ${files.map((path) => relative(projectDir, path)).join(", ") || "(no .env file)"}.`);
  return 0;
}

process.exit(main());
