import { coldLoads } from "./bench/cold-load";
import { distribution } from "./bench/stats";

/**
 * What a cold instance pays to load the functions, measured side by side in one run: the SDK floor every
 * instance loads, the entry point every callable loads (key management stops here), and the AI path,
 * which adds Genkit, the Gemini plugin and the KMS client on its first call. Each sample is a fresh Node
 * process loading the built functions. `npm run bench` reports the same figures among the others.
 *
 *   npm run bench:cold-load [-- rounds]
 */

const rounds = Number(process.argv[2] ?? 7);
const samples = coldLoads(["floor", "keyManagement", "aiPath", "allFunctions"], rounds);
const median = (name: keyof typeof samples, field: "ms" | "cpuMs" | "heapMb") => distribution(samples[name].map((sample) => sample[field])).median;
const line = (label: string, name: keyof typeof samples) =>
  `  ${label.padEnd(62)} ${median(name, "cpuMs").toFixed(0).padStart(5)} ms CPU (${median(name, "ms").toFixed(0)} ms wall)  ` +
  `${median(name, "heapMb").toFixed(1).padStart(5)} MB heap  ${(median(name, "cpuMs") / median("floor", "cpuMs")).toFixed(2)}x floor` +
  `${samples[name][0].heavy.length ? `  (loads ${samples[name][0].heavy.join(", ")})` : ""}`;

console.log(`cold load, median of ${rounds} fresh processes each, interleaved (node ${process.version}):`);
console.log(line("SDK floor (firebase-functions, firebase-admin/firestore)", "floor"));
console.log(line("instance serving apiKeyStatus (lib/index.js)", "keyManagement"));
console.log(line("AI instance (+ Genkit, Gemini plugin, flows, KMS client)", "aiPath"));
console.log(line("every function (no FUNCTION_TARGET: deploy discovery, tests)", "allFunctions"));
