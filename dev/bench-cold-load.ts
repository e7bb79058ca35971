import { coldLoadParts, coldLoadProfile, coldLoads } from "./bench/cold-load";
import { distribution } from "./bench/stats";

/**
 * What a cold instance pays to load the functions, measured side by side in one run: the SDK floor every
 * instance loads, the entry point every callable loads (key management stops here), and an AI instance
 * by its first call (on a Gemini key; on an OpenAI key), then what that AI load is made of, part by part.
 * Each sample is a fresh Node process loading the built functions. `npm run bench` reports the same
 * figures among the others; this prints only the cold-load lines.
 *
 *   npm run bench:cold-load [-- rounds]
 */

const rounds = Number(process.argv[2] ?? 7);
const samples = coldLoads(["floor", "keyManagement", "aiPath", "aiPathOpenAi", "allFunctions"], rounds);
const median = (name: keyof typeof samples, field: "ms" | "cpuMs" | "heapMb") => distribution(samples[name].map((sample) => sample[field])).median;
const paired = (name: keyof typeof samples) => distribution(samples[name].map((sample, round) => sample.cpuMs / samples.floor[round].cpuMs)).median;
const line = (label: string, name: keyof typeof samples) =>
  `  ${label.padEnd(62)} ${median(name, "cpuMs").toFixed(0).padStart(5)} ms CPU (${median(name, "ms").toFixed(0)} ms wall)  ` +
  `${median(name, "heapMb").toFixed(1).padStart(5)} MB heap  ${paired(name).toFixed(2)}x floor (paired)` +
  `${samples[name][0].heavy.length ? `  (loads ${samples[name][0].heavy.join(", ")})` : ""}`;

console.log(`cold load, median of ${rounds} fresh processes each, interleaved (node ${process.version}):`);
console.log(line("SDK floor (firebase-functions, firebase-admin/firestore)", "floor"));
console.log(line("instance serving apiKeyStatus (lib/index.js)", "keyManagement"));
console.log(line("AI instance by its first call, on a Gemini key", "aiPath"));
console.log(line("AI instance by its first call, on an OpenAI key", "aiPathOpenAi"));
console.log(line("every function (no FUNCTION_TARGET: deploy discovery, tests)", "allFunctions"));

const profile = coldLoadProfile(rounds);
console.log(`cold load of an AI instance, part by part (CPU ms each part adds, median of ${rounds} fresh processes):`);
const floorMs = distribution(profile.map((round) => round[0])).median;
coldLoadParts.forEach((part, index) => {
  const partMs = distribution(profile.map((round) => round[index])).median;
  console.log(`  ${part.label.padEnd(92)} ${partMs.toFixed(0).padStart(5)} ms  ${(partMs / floorMs).toFixed(2)}x floor`);
});
