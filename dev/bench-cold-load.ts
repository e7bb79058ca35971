import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./stack-config";

/**
 * What a cold instance pays to load the functions, measured side by side in one run: the entry point
 * every callable loads (key management stops here), and the AI stack the AI callables add on their
 * first call. Each sample is a fresh Node process, loading the built functions.
 *
 *   npm run bench:cold-load [-- samples]
 */

const samples = Number(process.argv[2] ?? 7);
const lib = join(repoRoot, "functions", "lib");

const probe = (modules: string[]) => `
  const start = process.hrtime.bigint();
  for (const m of ${JSON.stringify(modules)}) require(m);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  globalThis.gc?.();
  console.log(JSON.stringify({ ms, heapMb: process.memoryUsage().heapUsed / 2 ** 20 }));
`;

function measure(modules: string[]) {
  const runs = Array.from({ length: samples }, () => {
    const result = spawnSync(process.execPath, ["--expose-gc", "-e", probe(modules)], { cwd: join(repoRoot, "functions"), encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as { ms: number; heapMb: number };
  });
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { ms: median(runs.map((r) => r.ms)), heapMb: median(runs.map((r) => r.heapMb)) };
}

const keyManagement = measure([join(lib, "index.js")]);
const withAi = measure([join(lib, "index.js"), join(lib, "ai", "generate-for-user.js")]);

console.log(`cold load, median of ${samples} fresh processes (node ${process.version}):`);
console.log(`  key-management callables (lib/index.js)   ${keyManagement.ms.toFixed(0).padStart(5)} ms  ${keyManagement.heapMb.toFixed(1).padStart(5)} MB heap`);
console.log(`  + AI stack (Genkit, Gemini plugin, flows)   ${withAi.ms.toFixed(0).padStart(5)} ms  ${withAi.heapMb.toFixed(1).padStart(5)} MB heap`);
console.log(`  AI stack alone adds                         ${(withAi.ms - keyManagement.ms).toFixed(0).padStart(5)} ms  ${(withAi.heapMb - keyManagement.heapMb).toFixed(1).padStart(5)} MB heap (${(withAi.ms / keyManagement.ms).toFixed(1)}x the time)`);
