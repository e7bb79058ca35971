import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../stack-config";

/**
 * What a cold instance pays to load the functions, each sample a fresh Node process loading the built
 * functions (functions/lib, as the Functions runtime does) beside the floor no instance can avoid: the
 * SDKs every callable needs, firebase-functions and firebase-admin's Firestore.
 */

const functionsDir = join(repoRoot, "functions");
const lib = join(functionsDir, "lib");

/** Packages only some paths need; the report says which of them a load pulled in. */
const heavyPackages = ["genkit", "@genkit-ai", "@google-cloud/kms"];

export const coldLoadSubjects = {
  /** The SDKs every instance loads whatever it serves. */
  floor: ["firebase-functions", "firebase-admin/firestore"],
  /** What an instance serving apiKeyStatus or removeApiKey loads: the entry point, nothing more. */
  keyManagement: [join(lib, "index.js")],
  /** An AI instance: the entry point, then on its first call the AI stack and the KMS client. */
  aiPath: [join(lib, "index.js"), join(lib, "ai", "generate-for-user.js"), "@google-cloud/kms"],
} as const;

export interface ColdLoadSample {
  ms: number;
  heapMb: number;
  /** Which of `heavyPackages` ended up loaded. */
  heavy: string[];
}

const probe = (modules: readonly string[]) => `
  const start = process.hrtime.bigint();
  for (const m of ${JSON.stringify(modules)}) require(m);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  globalThis.gc?.();
  const heavy = ${JSON.stringify(heavyPackages)}.filter((name) =>
    Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/")));
  console.log(JSON.stringify({ ms, heapMb: process.memoryUsage().heapUsed / 2 ** 20, heavy }));
`;

/** Loads `modules` in a fresh Node process and reports the time and heap it took. */
export function coldLoad(modules: readonly string[]): ColdLoadSample {
  // As a deployed instance loads: none of the emulator-only endpoint overrides (config.ts refuses them there).
  const env = { ...process.env };
  delete env.GEMINI_API_BASE_URL;
  delete env.KMS_EMULATOR_HOST;
  const result = spawnSync(process.execPath, ["--expose-gc", "-e", probe(modules)], { cwd: functionsDir, encoding: "utf8", env });
  if (result.status !== 0) throw new Error(`Cold-load probe failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as ColdLoadSample;
}

/** `rounds` fresh processes for each subject, interleaved (one of each per round) so that load drift hits all alike. */
export function coldLoads<Name extends keyof typeof coldLoadSubjects>(names: readonly Name[], rounds: number): Record<Name, ColdLoadSample[]> {
  const samples = Object.fromEntries(names.map((name) => [name, [] as ColdLoadSample[]])) as Record<Name, ColdLoadSample[]>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name].push(coldLoad(coldLoadSubjects[name]));
  }
  return samples;
}
