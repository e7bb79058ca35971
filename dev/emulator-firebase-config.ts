import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpUrl, repoRoot, type StackConfig } from "./stack-config";

/**
 * The Firebase config the emulators run with: firebase.json (what `firebase deploy` uses, and its strict
 * Content-Security-Policy) with the policy relaxed just enough for the app to reach the Auth and
 * Functions emulators on loopback. Written next to firebase.json (firebase-tools resolves every path in a
 * config against the config file's folder) as firebase.emulators.json, which git ignores; `npm start`
 * and `npm test` pass it with `--config`. So loopback origins never reach a deployed policy, and the
 * emulators' policy cannot drift from production's: it is derived from it on every run.
 */

export const emulatorConfigFile = "firebase.emulators.json";

type Headers = Array<{ key: string; value: string }>;
interface FirebaseJson {
  hosting: { headers: Array<{ source: string; headers: Headers }> };
  [key: string]: unknown;
}

/** A Content-Security-Policy as directive name -> sources, in order. */
export function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

export function formatPolicy(directives: Map<string, string[]>): string {
  return [...directives].map(([name, sources]) => [name, ...sources].join(" ")).join("; ");
}

/**
 * Pure: the production policy plus the emulators' loopback origins where the app needs them — the
 * Auth, Functions and Firestore emulators for its requests (connect-src; History reads Firestore), the Auth emulator's sign-in page for
 * its iframe (frame-src). Nothing else changes.
 */
export function emulatorPolicy(production: string, emulators: { auth: string; functions: string; firestore: string }): string {
  const directives = parsePolicy(production);
  const add = (name: string, origins: string[]) => {
    const sources = directives.get(name);
    if (!sources) throw new Error(`The production Content-Security-Policy has no ${name} to extend for the emulators`);
    directives.set(name, [...sources, ...origins.filter((origin) => !sources.includes(origin))]);
  };
  add("connect-src", [emulators.auth, emulators.functions, emulators.firestore]);
  add("frame-src", [emulators.auth]);
  return formatPolicy(directives);
}

/** Pure: firebase.json's content with every Content-Security-Policy header replaced by the emulators' policy. */
export function emulatorFirebaseJson(firebaseJson: FirebaseJson, emulators: { auth: string; functions: string; firestore: string }): FirebaseJson {
  return {
    ...firebaseJson,
    hosting: {
      ...firebaseJson.hosting,
      headers: firebaseJson.hosting.headers.map((rule) => ({
        ...rule,
        headers: rule.headers.map((header) =>
          header.key.toLowerCase() === "content-security-policy" ? { ...header, value: emulatorPolicy(header.value, emulators) } : header,
        ),
      })),
    },
  };
}

/** Writes firebase.emulators.json for this stack; returns its path (for `firebase --config`). */
export function writeEmulatorFirebaseConfig(config: StackConfig): string {
  const firebaseJson = JSON.parse(readFileSync(join(repoRoot, "firebase.json"), "utf8")) as FirebaseJson;
  const path = join(repoRoot, emulatorConfigFile);
  const derived = emulatorFirebaseJson(firebaseJson, { auth: httpUrl(config.auth), functions: httpUrl(config.functions), firestore: httpUrl(config.firestore) });
  writeFileSync(path, `${JSON.stringify(derived, null, 2)}\n`);
  return path;
}
