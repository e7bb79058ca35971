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
const heavyPackages = ["genkit", "@genkit-ai/google-genai", "@google-cloud/kms", "openai", "@anthropic-ai/sdk"];

/** What an AI instance loads by its first call, as the callable loads it: the AI services, the one flow, the paying provider's adapter, the KMS client. */
const aiFirstCall = (adapter: string[]) => [
  join(lib, "index.js"),
  join(lib, "ai", "generate-for-user.js"),
  join(lib, "ai", "flows", "interview-questions.js"),
  ...adapter.map((path) => join(lib, "provider-apis", path)),
  "@google-cloud/kms",
];

/** What each measured load requires, and the FUNCTION_TARGET its instance has (index.ts loads only that function). */
export const coldLoadSubjects = {
  /** The SDKs every instance loads whatever it serves. */
  floor: { modules: ["firebase-functions", "firebase-admin/firestore"], target: undefined },
  /** An instance serving apiKeyStatus (removeApiKey's loads the same): the entry point, nothing more. */
  keyManagement: { modules: [join(lib, "index.js")], target: "apiKeyStatus" },
  /** An AI instance whose first call is on a Gemini key: the entry point, the AI stack, the googleAI plugin, the KMS client. */
  aiPath: { modules: aiFirstCall(["gemini/generate.js", "gemini/plugin.js"]), target: "generateQuestions" },
  /** The same on an OpenAI key: the OpenAI SDK in place of the googleAI plugin. */
  aiPathOpenAi: { modules: aiFirstCall(["openai/generate.js"]), target: "generateQuestions" },
  /** Every function, as deploy discovery and the tests load them (no target). */
  allFunctions: { modules: [join(lib, "index.js")], target: undefined },
} as const satisfies Record<string, { modules: readonly string[]; target: string | undefined }>;

export interface ColdLoadSample {
  /** Wall time of the loads. */
  ms: number;
  /**
   * CPU time the process spent on them (user + system). Loading is CPU-bound work on one thread, so on an
   * idle machine the two agree; on a shared one the wall time also counts waiting for a core, and this
   * is the steadier figure.
   */
  cpuMs: number;
  heapMb: number;
  /** Which of `heavyPackages` ended up loaded. */
  heavy: string[];
}

const probe = (modules: readonly string[]) => `
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (const m of ${JSON.stringify(modules)}) require(m);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  globalThis.gc?.();
  const heavy = ${JSON.stringify(heavyPackages)}.filter((name) =>
    Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/")));
  console.log(JSON.stringify({ ms, cpuMs, heapMb: process.memoryUsage().heapUsed / 2 ** 20, heavy }));
`;

/** Loads `modules` in a fresh Node process, as an instance serving `target` would, and reports the time and heap it took. */
export function coldLoad({ modules, target }: { modules: readonly string[]; target: string | undefined }): ColdLoadSample {
  // As a deployed instance loads: none of the emulator-only endpoint overrides (config.ts refuses them there).
  const env = { ...process.env };
  delete env.GEMINI_API_BASE_URL;
  delete env.KMS_EMULATOR_HOST;
  delete env.FUNCTION_TARGET;
  if (target) env.FUNCTION_TARGET = target;
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

/**
 * What an AI instance's load is made of: one fresh process loads the parts one after another, each timed
 * (CPU) on its own, so that each line is what that part adds to what came before it (a dependency shared
 * by two parts counts for the first). The order is the order of what depends on what.
 */
export const coldLoadParts = [
  { label: "SDK floor: firebase-functions, firebase-admin/firestore", modules: ["firebase-functions", "firebase-admin/firestore"], onGeminiCall: true },
  { label: "entry point, generateQuestions only (lib/index.js)", modules: [join(lib, "index.js")], onGeminiCall: true },
  {
    label: "OpenTelemetry span and log SDKs (sdk-trace-base, sdk-trace-node, sdk-logs: Genkit's spans and our log processor)",
    modules: ["@opentelemetry/sdk-trace-base", "@opentelemetry/sdk-trace-node", "@opentelemetry/sdk-logs"],
    onGeminiCall: true,
  },
  {
    label: "OpenTelemetry exporters that sdk-node requires at import, none of them used (OTLP gRPC, proto, HTTP; Zipkin)",
    modules: [
      "@opentelemetry/exporter-trace-otlp-grpc",
      "@opentelemetry/exporter-trace-otlp-proto",
      "@opentelemetry/exporter-trace-otlp-http",
      "@opentelemetry/exporter-zipkin",
    ],
    onGeminiCall: true,
  },
  { label: "OpenTelemetry NodeSDK (sdk-node, what it adds to the above; genkit's entry requires it at import)", modules: ["@opentelemetry/sdk-node"], onGeminiCall: true },
  { label: "Genkit core (@genkit-ai/core: registry, actions, schemas: ajv, zod-to-json-schema)", modules: ["@genkit-ai/core"], onGeminiCall: true },
  { label: "Genkit AI and entry (@genkit-ai/ai: generate, models, dotprompt; genkit)", modules: ["@genkit-ai/ai", "genkit"], onGeminiCall: true },
  { label: "our AI stack: the ai instance, user-key model, schemas, orchestration", modules: [join(lib, "ai", "generate-for-user.js")], onGeminiCall: true },
  { label: "one flow (interviewQuestions), defined on its first call", modules: [join(lib, "ai", "flows", "interview-questions.js")], onGeminiCall: true },
  {
    label: "Gemini: googleAI plugin (@genkit-ai/google-genai) + adapter",
    modules: [join(lib, "provider-apis", "gemini", "plugin.js"), join(lib, "provider-apis", "gemini", "generate.js")],
    onGeminiCall: true,
  },
  { label: "OpenAI: openai SDK + adapter", modules: [join(lib, "provider-apis", "openai", "generate.js")], onGeminiCall: false },
  { label: "Anthropic: @anthropic-ai/sdk + adapter", modules: [join(lib, "provider-apis", "anthropic", "generate.js")], onGeminiCall: false },
  { label: "KMS client (@google-cloud/kms), on the first decrypt", modules: ["@google-cloud/kms"], onGeminiCall: true },
] as const;

/** The part no Genkit call uses, yet every AI instance loads: the exporters `@opentelemetry/sdk-node` requires at its top level. */
export const unusedExportersPart = 3;

const profileProbe = `
  const parts = JSON.parse(process.argv[1]);
  const cpuMs = [];
  for (const part of parts) {
    const cpuStart = process.cpuUsage();
    for (const m of part) require(m);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  console.log(JSON.stringify(cpuMs));
`;

/** CPU ms each of `coldLoadParts` adds, one list per round, each round a fresh process (FUNCTION_TARGET=generateQuestions). */
export function coldLoadProfile(rounds: number): number[][] {
  const env: NodeJS.ProcessEnv = { ...process.env, FUNCTION_TARGET: "generateQuestions" };
  delete env.GEMINI_API_BASE_URL;
  delete env.KMS_EMULATOR_HOST;
  const samples: number[][] = [];
  for (let round = 0; round < rounds; round += 1) {
    const args = ["-e", profileProbe, JSON.stringify(coldLoadParts.map((part) => part.modules))];
    const result = spawnSync(process.execPath, args, { cwd: functionsDir, encoding: "utf8", env });
    if (result.status !== 0) throw new Error(`Cold-load profile failed: ${result.stderr}`);
    samples.push(JSON.parse(result.stdout.trim().split("\n").pop()!) as number[]);
  }
  return samples;
}
