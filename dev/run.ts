import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { anyKeyShape } from "../functions/src/providers";
import { gcloudFirestoreEmulator, javaMajorVersion, startStandaloneFirestore } from "./firestore-emulator";
import { writeEmulatorFirebaseConfig } from "./emulator-firebase-config";
import { startAnthropicStandIn } from "./anthropic-stand-in/server";
import { startGeminiStandIn } from "./gemini-stand-in/server";
import { startLocalKms } from "./local-kms/server";
import { startOpenAiStandIn } from "./openai-stand-in/server";
import { startOpenRouterStandIn } from "./openrouter-stand-in/server";
import { describeBusyPorts } from "./port-owner";
import { superviseUntilExit } from "./stop-on-signals";
import { hostPort, httpUrl, loadStackConfig, repoRoot, type Endpoint } from "./stack-config";
import { waitForHttp } from "./wait-for-http";

/**
 * `npm start` and `npm test`: builds, then runs the Firebase emulators (Auth, Functions, Hosting and the
 * real Firestore emulator) with the local KMS and the Gemini stand-in beside them, on firebase.json as
 * dev/emulator-firebase-config.ts relaxes it for loopback (`firebase deploy` uses firebase.json itself).
 *
 *   npm start                 the app on the emulators; data kept in .emulator-data/ across restarts
 *   npm start -- --clean      the same, from empty data
 *   npm test [-- mocha args]  the gates (lint, type-check), then every test (unit, rules, integration,
 *                             browser) in one mocha run
 *   npm run bench [-- --quick] what bringing your own key costs per call, beside its floors (dev/bench/main.ts),
 *                             on the Firestore emulator; the bench runs the functions' handlers itself
 */

const [mode = "start", ...args] = process.argv.slice(2);
const config = loadStackConfig();
const dataDir = join(repoRoot, ".emulator-data");
const outputDir = join(repoRoot, "test-output");

main().catch((error) => {
  console.error(`\n${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

async function main() {
  if (mode !== "start" && mode !== "test" && mode !== "bench") throw new Error(`Usage: tsx dev/run.ts start|test|bench`);
  requireNode24(process.versions.node);
  if (mode === "test") runGates();
  run("npm", ["run", "build", "--silent", "-w", "functions"]);
  if (mode === "bench") return bench();
  // The emulators' build: the only one that can make the App Check tokens the Functions emulator accepts.
  run("npm", ["run", "build:emulators", "--silent", "-w", "web"]);
  if (mode === "start") await start();
  else await test();
}

/** The gates npm test passes before it builds or starts anything, as a deploy's predeploy runs them. */
function runGates() {
  const gates = [
    { name: "lint", script: "lint" },
    { name: "type-check", script: "typecheck" },
  ];
  for (const gate of gates) {
    console.log(`\nGate: ${gate.name} (npm run ${gate.script})`);
    const started = performance.now();
    const result = spawnSync("npm", ["run", "--silent", gate.script], { cwd: repoRoot, stdio: "inherit" });
    if (result.status !== 0) {
      throw new Error(`Gate failed: ${gate.name}. Fix what \`npm run ${gate.script}\` reports above; no test was run.`);
    }
    console.log(`Gate passed: ${gate.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/**
 * Production runs nodejs24 (firebase.json), and the web SDK's packages declare node >= 24.12. The emulators
 * run the functions on this node, so on another major whatever differs would surface deep inside a
 * callable or as npm's engine warnings: refuse up front, plainly.
 */
function requireNode24(version: string) {
  if (Number(version.split(".")[0]) === 24) return;
  throw new Error(
    `Node.js 24 is needed (this is ${version}): production runs nodejs24 (firebase.json) and .nvmrc says 24. ` +
      `Install Node 24 (see README, Prerequisites), then run npm ci again.`,
  );
}

/** The Firestore emulator: firebase-tools runs it on Java 21+; otherwise we start Google's own build. */
function firestorePlan(): "firebase-tools" | "standalone" {
  const java = javaMajorVersion();
  if (java === undefined) throw new Error("The Firestore emulator needs Java: install a JDK (21+), then run this again.");
  if (java >= 21) return "firebase-tools";
  if (existsSync(gcloudFirestoreEmulator)) return "standalone";
  throw new Error(
    `Java ${java} is too old for firebase-tools' Firestore emulator (it needs 21+). Install JDK 21+, ` +
      `or Google's standalone emulator that runs on Java 17: apt-get install google-cloud-cli-firestore-emulator.`,
  );
}

/**
 * Environment shared by the emulators, the functions they run, and the tests. The endpoint overrides
 * are taken by the functions only on the emulator (FUNCTIONS_EMULATOR=true, which it sets itself).
 */
function stackEnv(baseUrls: { gemini: string; openAi: string; anthropic: string; openRouter: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GCLOUD_PROJECT: config.projectId,
    FIRESTORE_EMULATOR_HOST: hostPort(config.firestore),
    KMS_EMULATOR_HOST: hostPort(config.kms),
    GEMINI_API_BASE_URL: baseUrls.gemini,
    OPENAI_API_BASE_URL: baseUrls.openAi,
    ANTHROPIC_API_BASE_URL: baseUrls.anthropic,
    OPENROUTER_API_BASE_URL: baseUrls.openRouter,
    // A cold Functions emulator worker must load the functions within this many seconds (firebase-tools'
    // own override; its default is 30) or the request it was started for is dropped. Loading takes about
    // 3 s on an idle 2-core machine and over 30 s on a busy one: a busy machine must not fail the tests.
    FUNCTIONS_DISCOVERY_TIMEOUT: process.env.FUNCTIONS_DISCOVERY_TIMEOUT ?? "180",
  };
}

/** Where the tests and the bench run the four stand-ins (in their own process, on firebase.json's ports). */
function standInUrls(): { gemini: string; openAi: string; anthropic: string; openRouter: string } {
  return {
    gemini: httpUrl(config.geminiStandIn),
    openAi: httpUrl(config.openAiStandIn),
    anthropic: httpUrl(config.anthropicStandIn),
    openRouter: httpUrl(config.openRouterStandIn),
  };
}

/** The ports of the emulators and the local KMS, by the name a user knows them by. */
function emulatorPorts(): Record<string, Endpoint> {
  return {
    "Firestore emulator": config.firestore,
    "Auth emulator": config.auth,
    "Functions emulator": config.functions,
    "Hosting emulator": config.hosting,
    "emulator hub": config.hub,
    "emulator logging": config.logging,
    "local Cloud KMS": config.kms,
  };
}

/** On Java 17 (the standalone plan) we run the Firestore emulator ourselves, with firestore.rules; `importDir` seeds it. */
function startFirestoreIfStandalone(plan: "firebase-tools" | "standalone", logPath: string, importDir?: string) {
  if (plan !== "standalone") return Promise.resolve(undefined);
  return startStandaloneFirestore({ endpoint: config.firestore, projectId: config.projectId, rulesPath: join(repoRoot, "firestore.rules"), logPath, importDir });
}

function emulatorsToRun(plan: "firebase-tools" | "standalone"): string {
  return ["auth", "functions", "hosting", ...(plan === "firebase-tools" ? ["firestore"] : [])].join(",");
}

async function start() {
  if (args.includes("--clean")) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const plan = firestorePlan();
  await requireFreePorts({
    ...emulatorPorts(),
    ...(process.env.GEMINI_API_BASE_URL ? {} : { "Gemini stand-in": config.geminiStandIn }),
    ...(process.env.ANTHROPIC_API_BASE_URL ? {} : { "Anthropic stand-in": config.anthropicStandIn }),
    ...(process.env.OPENAI_API_BASE_URL ? {} : { "OpenAI stand-in": config.openAiStandIn }),
    ...(process.env.OPENROUTER_API_BASE_URL ? {} : { "OpenRouter stand-in": config.openRouterStandIn }),
  });
  const firestore = await startFirestoreIfStandalone(plan, join(dataDir, "firestore-emulator.log"), join(dataDir, "firestore"));
  const kms = await startLocalKms({ ...config.kms, dataDir: join(dataDir, "kms") });
  await kms.ensureCryptoKey(config.kmsKeyName);
  // Real Gemini when GEMINI_API_BASE_URL is given (e.g. https://generativelanguage.googleapis.com); else the stand-in.
  const standIn = process.env.GEMINI_API_BASE_URL ? undefined : await startGeminiStandIn({ ...config.geminiStandIn });
  const geminiBaseUrl = process.env.GEMINI_API_BASE_URL ?? standIn!.url;
  // Real Anthropic when ANTHROPIC_API_BASE_URL is given (https://api.anthropic.com); else its stand-in.
  const anthropicStandIn = process.env.ANTHROPIC_API_BASE_URL ? undefined : await startAnthropicStandIn({ ...config.anthropicStandIn });
  const anthropicBaseUrl = process.env.ANTHROPIC_API_BASE_URL ?? anthropicStandIn!.url;
  // Real OpenAI when OPENAI_API_BASE_URL is given (https://api.openai.com); else the stand-in.
  const openAiStandIn = process.env.OPENAI_API_BASE_URL ? undefined : await startOpenAiStandIn({ ...config.openAiStandIn });
  const openAiBaseUrl = process.env.OPENAI_API_BASE_URL ?? openAiStandIn!.url;
  // Real OpenRouter when OPENROUTER_API_BASE_URL is given (https://openrouter.ai); else the stand-in.
  const openRouterStandIn = process.env.OPENROUTER_API_BASE_URL ? undefined : await startOpenRouterStandIn({ ...config.openRouterStandIn });
  const openRouterBaseUrl = process.env.OPENROUTER_API_BASE_URL ?? openRouterStandIn!.url;

  const firebaseData = join(dataDir, "firebase");
  const firebase = spawn(
    firebaseBin(),
    [
      "emulators:start",
      "--config", writeEmulatorFirebaseConfig(config),
      "--only", emulatorsToRun(plan),
      "--project", config.projectId,
      ...(existsSync(join(firebaseData, "firebase-export-metadata.json")) ? ["--import", firebaseData] : []),
      "--export-on-exit", firebaseData,
    ],
    { cwd: repoRoot, env: stackEnv({ gemini: geminiBaseUrl, openAi: openAiBaseUrl, anthropic: anthropicBaseUrl, openRouter: openRouterBaseUrl }), stdio: "inherit" },
  );

  // Ready once the app is served and the functions are loaded (a callable's URL stops answering 404).
  const ready = Promise.all([
    waitForHttp(`${httpUrl(config.hosting)}/`, firebase, { name: "firebase-tools", timeoutMs: 300_000 }),
    waitForHttp(`${httpUrl(config.functions)}/${config.projectId}/us-central1/apiKeyStatus`, firebase, { name: "firebase-tools", timeoutMs: 300_000 }),
  ]).then(() =>
    console.log(
      [
        "",
        "  Interview AI is running on the emulators:",
        `    App (Hosting)   ${httpUrl(config.hosting)}`,
        `    Auth            ${httpUrl(config.auth)}`,
        `    Functions       ${httpUrl(config.functions)}/${config.projectId}/us-central1/<name>`,
        `    Firestore       ${httpUrl(config.firestore)}${plan === "standalone" ? " (Google's standalone emulator, Java 17)" : ""}`,
        `    Cloud KMS       ${hostPort(config.kms)} (local, gRPC)`,
        `    Gemini          ${standIn ? `${standIn.url} (local stand-in; GEMINI_API_BASE_URL=https://generativelanguage.googleapis.com for real Gemini)` : geminiBaseUrl}`,
        `    Anthropic       ${anthropicStandIn ? `${anthropicStandIn.url} (local stand-in; ANTHROPIC_API_BASE_URL=https://api.anthropic.com for the real one)` : anthropicBaseUrl}`,
        `    OpenAI          ${openAiStandIn ? `${openAiStandIn.url} (local stand-in; OPENAI_API_BASE_URL=https://api.openai.com for real OpenAI)` : openAiBaseUrl}`,
        `    OpenRouter      ${openRouterStandIn ? `${openRouterStandIn.url} (local stand-in; OPENROUTER_API_BASE_URL=https://openrouter.ai for the real one)` : openRouterBaseUrl}`,
        `  Data persists in .emulator-data/ (npm start -- --clean starts empty). Ctrl-C stops everything.`,
        "",
      ].join("\n"),
    ),
  );
  ready.catch(() => undefined);

  const code = await superviseUntilExit(firebase, async () => {
    await firestore?.stop(join(dataDir, "firestore"));
    await kms.stop();
    await standIn?.stop();
    await anthropicStandIn?.stop();
    await openAiStandIn?.stop();
    await openRouterStandIn?.stop();
  });
  process.exit(code);
}

async function test() {
  await requireFreePorts({
    ...emulatorPorts(),
    "Gemini stand-in": config.geminiStandIn,
    "Anthropic stand-in": config.anthropicStandIn,
    "OpenAI stand-in": config.openAiStandIn,
    "OpenRouter stand-in": config.openRouterStandIn,
  });
  mkdirSync(outputDir, { recursive: true });
  const firestoreLog = join(outputDir, "firestore-emulator.log");
  const emulatorLog = join(outputDir, "emulators.log");
  // The tests start the local KMS and the stand-in in their own process (test/support/hooks.ts),
  // so they can inject faults and read what the stand-in received.
  const env = { ...stackEnv(standInUrls()), EMULATOR_LOG_FILE: emulatorLog };
  const mocha = [join(repoRoot, "node_modules", ".bin", "mocha"), "--config", "test/mocharc.json", ...args].map(shellQuote).join(" ");
  const result = await runWithEmulators(["auth", "functions", "hosting", "firestore"], mocha, { env, logPath: emulatorLog, firestoreLogPath: firestoreLog });
  let code = result.code;

  const leaks = [emulatorLog, firestoreLog].filter((file) => existsSync(file) && anyKeyShape.test(readFileSync(file, "utf8")));
  if (leaks.length > 0) {
    console.error(`\nKey-shaped strings (a shape functions/src/providers.ts knows) were written to: ${leaks.join(", ")}. A key must never reach a log.`);
    code = code || 1;
  } else {
    console.log("\nLog scan: no key-shaped string in the emulator or Firestore logs of this run.");
  }
  const summary = mochaSummary(result.output);
  if (summary) console.log(`\ntests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  process.exit(code);
}

/**
 * npm run bench: only the Firestore and Auth emulators; the bench starts the local KMS and the Gemini stand-in in its
 * own process (it counts what they receive) and runs the functions' handlers itself.
 */
async function bench() {
  await requireFreePorts({ "Firestore emulator": config.firestore });
  mkdirSync(outputDir, { recursive: true });
  const tsx = [join(repoRoot, "node_modules", ".bin", "tsx"), join("dev", "bench", "main.ts"), ...args].map(shellQuote).join(" ");
  const logPath = join(outputDir, "bench-emulators.log");
  // Auth too: the AI callables and setApiKey ask it whether the caller's account may still act.
  const { code } = await runWithEmulators(["firestore", "auth"], tsx, {
    env: stackEnv(standInUrls()),
    logPath,
    firestoreLogPath: join(outputDir, "firestore-emulator.log"),
  });
  process.exit(code);
}

type Emulator = "auth" | "functions" | "hosting" | "firestore";

/**
 * Runs `command` (a shell command line) while `emulators` run, then stops them: firebase-tools'
 * `emulators:exec`, except that on Java 17 we run the Firestore emulator ourselves (firestorePlan), and
 * with nothing left for firebase-tools to run the command runs directly. Output goes to the terminal
 * and to `logPath`; resolves with the command's exit code and its output.
 */
async function runWithEmulators(
  emulators: Emulator[],
  command: string,
  { env, logPath, firestoreLogPath }: { env: NodeJS.ProcessEnv; logPath: string; firestoreLogPath: string },
): Promise<{ code: number; output: string }> {
  const plan = emulators.includes("firestore") ? firestorePlan() : "firebase-tools";
  const forFirebaseTools = emulators.filter((emulator) => emulator !== "firestore" || plan === "firebase-tools");
  const firestore = await startFirestoreIfStandalone(plan, firestoreLogPath);
  const child =
    forFirebaseTools.length > 0
      ? spawn(
          firebaseBin(),
          ["emulators:exec", "--config", writeEmulatorFirebaseConfig(config), "--only", forFirebaseTools.join(","), "--project", config.projectId, command],
          { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
        )
      : spawn(command, { cwd: repoRoot, env, shell: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const log = createWriteStream(logPath);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      log.write(chunk);
      output += chunk.toString("utf8");
    });
  }
  const code = await superviseUntilExit(child, async () => {
    await firestore?.stop();
    await new Promise((resolve) => log.end(resolve));
  });
  return { code, output };
}

/** Mocha's closing lines ("12 passing", "1 failing", "2 pending") as the plain line CI reads. */
function mochaSummary(output: string) {
  const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(output)?.[1] ?? 0);
  const passed = count("passing");
  if (!/^\s*\d+ passing\b/m.test(output)) return undefined;
  return { passed, failed: count("failing"), skipped: count("pending") };
}

/** Refuses to start beside another run: a port already taken would fail later, and less clearly. */
async function requireFreePorts(services: Record<string, Endpoint>) {
  const busy = await describeBusyPorts(services);
  if (busy) throw new Error(busy);
}

function firebaseBin(): string {
  return join(repoRoot, "node_modules", ".bin", "firebase");
}

function run(command: string, commandArgs: string[]) {
  const result = spawnSync(command, commandArgs, { cwd: repoRoot, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} failed`);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
