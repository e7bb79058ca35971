import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One Node major everywhere: what deploys (firebase.json's runtime), what npm checks (engines), what a
 * developer's version manager picks (.nvmrc) and what CI installs (.ci/run) — so the tests run on the
 * runtime that production runs.
 */
const root = join(__dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("the Node runtime", () => {
  it("is the same major in firebase.json, both engines fields, .nvmrc and .ci/run", () => {
    const firebaseJson = JSON.parse(read("firebase.json")) as { functions: { runtime: string }[] };
    const deployed = firebaseJson.functions.map((codebase) => /^nodejs(\d+)$/.exec(codebase.runtime)?.[1]);
    const major = deployed[0];
    assert.ok(major, "firebase.json names a nodejsN runtime");
    assert.deepEqual(new Set(deployed), new Set([major]), "every codebase deploys the same runtime");
    assert.equal((JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node, major);
    assert.equal((JSON.parse(read("functions/package.json")) as { engines: { node: string } }).engines.node, major);
    assert.equal(read(".nvmrc").trim(), major);
    assert.equal(/^node_version=(\d+)\.\d+\.\d+$/m.exec(read(".ci/run"))?.[1], major, ".ci/run pins an exact version of that major");
  });

  it("is the one these tests run on", () => {
    assert.equal(process.versions.node.split(".")[0], read(".nvmrc").trim());
  });
});
