import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareTestedAndDeployed, deriveFunctionsLock, inexactRanges, lockfileText, type LockEntry, type Lockfile } from "./functions-lock";
import { repoRoot } from "./stack-config";

/**
 * `npm run lock:functions`: writes functions/package-lock.json from the root package-lock.json, so that
 * Cloud Build's `npm ci` of the uploaded functions/ installs exactly the tree the tests ran with
 * (docs/deploy-dependencies.md). Run it after any change to the root lock (an `npm install` that
 * touched the functions' dependencies); the drift test fails until it is run.
 */

const rootLock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as Lockfile;
const functionsPackageJson = JSON.parse(readFileSync(join(repoRoot, "functions", "package.json"), "utf8")) as LockEntry & { name: string };

const ranges = inexactRanges(rootLock, functionsPackageJson);
if (ranges.length > 0) {
  console.error(`functions/package.json must name the exact versions the root lock installs:\n  ${ranges.join("\n  ")}`);
  process.exit(1);
}
const functionsLock = deriveFunctionsLock(rootLock, functionsPackageJson);
const differences = compareTestedAndDeployed(rootLock, functionsLock);
if (differences.length > 0) {
  console.error(`the derived lock would not install the tested tree:\n  ${differences.join("\n  ")}`);
  process.exit(1);
}
writeFileSync(join(repoRoot, "functions", "package-lock.json"), lockfileText(functionsLock));
console.log(`functions/package-lock.json: ${Object.keys(functionsLock.packages).length - 1} packages, as the root lock installs them`);
