import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";
import { emulatorOnlyVariables } from "../../functions/src/config";

/**
 * deploy/check-deploy-env.ts, as firebase deploy runs it before upload (a functions predeploy step, with
 * GCLOUD_PROJECT, PROJECT_DIR and RESOURCE_DIR set), on a project folder of its own.
 */
describe("deploy: a functions environment with an emulator-only variable is refused before upload", function () {
  this.timeout(60_000);
  const project = "acme-interview-ai";
  let dir: string;
  const functionsDir = () => join(dir, "functions");
  const envFile = (name: string, text: string) => writeFileSync(join(functionsDir(), name), text);
  const check = () =>
    spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "deploy", "check-deploy-env.ts")], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GCLOUD_PROJECT: project, PROJECT_DIR: dir, RESOURCE_DIR: functionsDir() },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "deploy-env-"));
    mkdirSync(functionsDir());
    writeFileSync(join(dir, ".firebaserc"), JSON.stringify({ projects: { default: "demo-interview-ai", prod: project } }));
    envFile(".env", "GEMINI_MODEL=gemini-flash-latest\n");
    envFile(`.env.${project}`, `KMS_KEY_NAME=projects/${project}/locations/global/keyRings/interview-ai/cryptoKeys/api-keys\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lets a clean environment through", () => {
    const result = check();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /no emulator-only variable in functions\/\.env, functions\/\.env\.acme-interview-ai/);
  });

  it("refuses each emulator-only variable in .env, .env.<project> or .env.<alias>, naming the file and the variable", () => {
    const files = [".env", `.env.${project}`, ".env.prod"];
    const lines = new Map<string, string[]>(files.map((file) => [file, ["GEMINI_MODEL=gemini-flash-latest"]]));
    const placed = emulatorOnlyVariables.map((variable, index) => ({ variable, file: files[index % files.length] }));
    for (const { variable, file } of placed) lines.get(file)!.push(`${variable}=http://127.0.0.1:9011`);
    for (const [file, text] of lines) envFile(file, text.join("\n") + "\n");
    const result = check();
    assert.equal(result.status, 1, result.stdout);
    for (const { variable, file } of placed) assert.ok(result.stderr.includes(`functions/${file} sets ${variable}\n`), `${variable} in ${file}: ${result.stderr}`);
    assert.match(result.stderr, /Deploy to acme-interview-ai refused/);
  });

  it("reads the files as firebase deploy does: `export` lines, quoted and empty values count", () => {
    envFile(".env", 'export FUNCTIONS_EMULATOR="true"\nKMS_EMULATOR_HOST=\n');
    const result = check();
    assert.equal(result.status, 1);
    assert.match(result.stderr, /functions\/\.env sets FUNCTIONS_EMULATOR/);
    assert.match(result.stderr, /functions\/\.env sets KMS_EMULATOR_HOST/);
  });

  it("ignores .env.local (emulator only) and other projects' files, which are not deployed", () => {
    envFile(".env.local", "KMS_EMULATOR_HOST=127.0.0.1:9011\nFUNCTIONS_EMULATOR=true\n");
    envFile(".env.demo-interview-ai", "GEMINI_API_BASE_URL=http://127.0.0.1:9012\n");
    const result = check();
    assert.equal(result.status, 0, result.stderr);
  });

  it("runs first in firebase.json's functions predeploy, and passes on this repository's demo project", () => {
    const firebaseJson = JSON.parse(readFileSync(join(repoRoot, "firebase.json"), "utf8")) as { functions: { predeploy: string[] }[] };
    for (const codebase of firebaseJson.functions) assert.equal(codebase.predeploy[0], "npm run --silent check:deploy-env");
    const packageJson = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(packageJson.scripts["check:deploy-env"], "tsx deploy/check-deploy-env.ts");
    const result = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "deploy", "check-deploy-env.ts")], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GCLOUD_PROJECT: "demo-interview-ai", PROJECT_DIR: repoRoot, RESOURCE_DIR: join(repoRoot, "functions") },
    });
    assert.equal(result.status, 0, result.stderr);
  });
});
