import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, matchesGlob } from "node:path";
import { compareTestedAndDeployed, deriveFunctionsLock, inexactRanges, type LockEntry, type Lockfile } from "../../dev/functions-lock";
import { repoRoot } from "../../dev/stack-config";

const readJson = <T>(...path: string[]): T => JSON.parse(readFileSync(join(repoRoot, ...path), "utf8")) as T;
const fix = "Run `npm run lock:functions` (after `npm install`) and commit functions/package-lock.json.";

/**
 * Cloud Build installs the uploaded functions/ with `npm ci` from functions/package-lock.json; the tests
 * run with the root package-lock.json. These tests fail as soon as the two would install different
 * packages (docs/deploy-dependencies.md).
 */
describe("deployed dependencies", () => {
  const rootLock = readJson<Lockfile>("package-lock.json");
  const rootPackageJson = readJson<{ allowScripts?: Record<string, boolean> }>("package.json");
  const functionsPackageJson = readJson<LockEntry & { name: string }>("functions", "package.json");
  const functionsLock = readJson<Lockfile>("functions", "package-lock.json");

  it("functions/package.json names one exact version per dependency, the one the tests run", () => {
    assert.deepEqual(inexactRanges(rootLock, functionsPackageJson), [], "pin the tested version, then `npm install` and `npm run lock:functions`");
  });

  it("functions/package-lock.json installs, for every package the functions need, the version and bytes the tests ran", () => {
    assert.deepEqual(compareTestedAndDeployed(rootLock, functionsLock), [], fix);
  });

  it("functions/package-lock.json is what `npm run lock:functions` writes from the root lock, dev/optional flags included", () => {
    assert.deepEqual(functionsLock, deriveFunctionsLock(rootLock, functionsPackageJson), fix);
  });

  it("notices a deployed package at another version than the tested one (the comparison can fail)", () => {
    const drifted = structuredClone(functionsLock);
    drifted.packages["node_modules/openai"].version = "7.60.0";
    drifted.packages["node_modules/@anthropic-ai/sdk"].integrity = "sha512-other";
    delete drifted.packages["node_modules/zod"];
    assert.deepEqual(
      compareTestedAndDeployed(rootLock, drifted).filter((difference) => /^functions > (openai|@anthropic-ai\/sdk|zod):/.test(difference)).sort(),
      [
        "functions > @anthropic-ai/sdk: tested 1.15.0, deployed 1.15.0 (other integrity)",
        "functions > openai: tested 7.59.0, deployed 7.60.0",
        `functions > zod: tested ${rootLock.packages["node_modules/zod"].version}, missing from the deployed lock`,
      ],
    );
  });

  it("is uploaded: firebase.json's functions ignore list leaves out neither package-lock.json nor .npmrc", () => {
    const { functions } = readJson<{ functions: Array<{ source: string; ignore: string[] }> }>("firebase.json");
    const codebase = functions.find((entry) => entry.source === "functions")!;
    for (const file of ["package-lock.json", ".npmrc"]) assert.deepEqual(codebase.ignore.filter((pattern) => matchesGlob(file, pattern)), [], file);
  });

  it("skips the same install scripts as the tested install: none, as the root's allowScripts denies every one of them", () => {
    const withInstallScripts = Object.entries(functionsLock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([location]) => location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length));
    assert.ok(withInstallScripts.length > 0, "the comparison has something to compare");
    for (const name of withInstallScripts) assert.equal(rootPackageJson.allowScripts?.[name], false, `the tested install runs ${name}'s install script`);
    // The deployed install reads functions/.npmrc (npm reads a project's own .npmrc; a workspace's is
    // ignored by the root install, which so prints no warning about it).
    assert.match(readFileSync(join(repoRoot, "functions", ".npmrc"), "utf8"), /^ignore-scripts=true$/m);
  });
});
