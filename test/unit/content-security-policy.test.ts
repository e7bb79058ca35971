import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emulatorFirebaseJson, emulatorPolicy, parsePolicy } from "../../dev/emulator-firebase-config";
import { repoRoot } from "../../dev/stack-config";

/** The deployed policy (firebase.json) and the emulators' policy derived from it for `npm start` / `npm test`. */
describe("Content-Security-Policy: production's, and the emulators' derived from it", () => {
  const firebaseJson = JSON.parse(readFileSync(join(repoRoot, "firebase.json"), "utf8")) as Parameters<typeof emulatorFirebaseJson>[0];
  const production = firebaseJson.hosting.headers.flatMap((rule) => rule.headers).find((header) => header.key === "Content-Security-Policy")!.value;
  const loopback = { auth: "http://127.0.0.1:9099", functions: "http://127.0.0.1:5001", firestore: "http://127.0.0.1:8080" };

  it("deploys a policy with no loopback or plaintext origin, and no wildcard but the two project-named hosts", () => {
    const directives = parsePolicy(production);
    const sources = [...directives.values()].flat();
    assert.deepEqual(sources.filter((source) => /^http:|127\.0\.0\.1|localhost/.test(source)), []);
    assert.deepEqual(
      sources.filter((source) => source.includes("*")),
      // The project's callables (us-central1-<project>.cloudfunctions.net) and Google sign-in's iframe
      // (<project>.firebaseapp.com): a host wildcard in CSP may only be the leftmost label, and the project
      // id is not in this project-independent file.
      ["https://*.cloudfunctions.net", "https://*.firebaseapp.com"],
    );
    assert.ok(!production.includes("run.app"), "callables are called at cloudfunctions.net; Cloud Run's domain is not needed");
    assert.deepEqual(directives.get("default-src"), ["'self'"]);
    assert.deepEqual(directives.get("frame-ancestors"), ["'none'"]);
    assert.deepEqual(directives.get("object-src"), ["'none'"]);
  });

  it("lets the History page read the owner's practices from Firestore (its REST origin) in production", () => {
    assert.ok(parsePolicy(production).get("connect-src")!.includes("https://firestore.googleapis.com"));
  });

  it("relaxes it for the emulators only by their loopback origins, where the app needs them", () => {
    const relaxed = parsePolicy(emulatorPolicy(production, loopback));
    const strict = parsePolicy(production);
    assert.deepEqual([...relaxed.keys()], [...strict.keys()]);
    for (const [name, sources] of strict) {
      const added = relaxed.get(name)!.filter((source) => !sources.includes(source));
      const expected = name === "connect-src" ? [loopback.auth, loopback.functions, loopback.firestore] : name === "frame-src" ? [loopback.auth] : [];
      assert.deepEqual(added, expected, name);
    }
  });

  it("changes nothing else of firebase.json for the emulators", () => {
    const derived = emulatorFirebaseJson(firebaseJson, loopback);
    const withoutPolicies = (json: unknown) => JSON.stringify(json, (key, value: unknown) => (key === "value" && typeof value === "string" && value.includes("default-src") ? "<policy>" : value));
    assert.equal(withoutPolicies(derived), withoutPolicies(firebaseJson));
  });
});
