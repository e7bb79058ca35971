import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { startGeminiStandIn } from "../gemini-stand-in/server";
import { startLocalKms } from "../local-kms/server";
import { hostPort, loadStackConfig, repoRoot } from "../stack-config";
import { coldLoadParts, coldLoadProfile, coldLoads, unusedExportersPart } from "./cold-load";
import { cpuByStep, summarizeCpuProfile } from "./cpu-profile";
import { installFirestoreOpCounter, type FirestoreOps } from "./firestore-ops";
import { loadFunctions, measureKeyPath } from "./key-path";
import { distribution, type Distribution } from "./stats";
import { measureFirstVisit } from "./web-first-visit";

/**
 * `npm run bench` (dev/run.ts starts the Firestore emulator, then runs this): what bringing your own key
 * costs per call, each figure beside its floor measured in the same run, with its goal and whether it is
 * met. Exits non-zero only when the run itself breaks (a wrong key, a failed build), never for a missed
 * goal: timings are noisy, the ratios are what we track.
 */

const config = loadStackConfig();
const outputDir = join(repoRoot, "test-output");
const quick = process.argv.includes("--quick");
const sizes = quick
  ? { rounds: 30, warmResolutions: 200, throughputUsers: 10, callsPerUser: 3, coldLoadRounds: 3, profiledCalls: 30 }
  : { rounds: 150, warmResolutions: 1000, throughputUsers: 20, callsPerUser: 5, coldLoadRounds: 15, profiledCalls: 100 };

/**
 * The functions run in this process as on the Functions emulator: endpoint overrides taken (config.ts),
 * pointing at this run's local KMS and stand-in; the demo project's params, with an AI rate limit no bench
 * user reaches (each call still counts against it). Set before the functions' modules load.
 */
function functionsEnvironment(kmsAddress: string, standInUrl: string): void {
  Object.assign(process.env, {
    FUNCTIONS_EMULATOR: "true",
    // emulators:exec sets it; the standalone Firestore (Java 17) runs the bench without firebase-tools' hub.
    FIREBASE_EMULATOR_HUB: process.env.FIREBASE_EMULATOR_HUB ?? hostPort(config.hub),
    GCLOUD_PROJECT: config.projectId,
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST ?? hostPort(config.firestore),
    FIREBASE_AUTH_EMULATOR_HOST: process.env.FIREBASE_AUTH_EMULATOR_HOST ?? hostPort(config.auth),
    KMS_EMULATOR_HOST: kmsAddress,
    GEMINI_API_BASE_URL: standInUrl,
    KMS_KEY_NAME: config.kmsKeyName,
    GEMINI_MODEL: "gemini-flash-latest",
    GEMINI_FALLBACK_MODELS: "gemini-flash-lite-latest",
    ALLOW_DEFAULT_KEY: "false",
    DEFAULT_KEY_DAILY_CAP: "20",
    DEFAULT_KEY_PROJECT_DAILY_BUDGET: "200",
    AI_RATE_LIMIT_PER_MINUTE: "100000",
    KEY_ROTATION_REMINDER_DAYS: "90",
    PRACTICE_HISTORY_LIMIT: "500",
  });
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const pair = (d: Distribution) => `${ms(d.median)} / ${ms(d.p95)} ms`;
const ratio = (subject: number, floor: number) => subject / floor;
const times = (value: number) => `${value.toFixed(2)}×`;

interface Row {
  line: string;
  measure: string;
  figure: string;
  floor: string;
  ratio: string;
  goal: string;
  met: boolean | undefined;
}

const rows: Row[] = [];
const row = (line: string, measure: string, figure: string, floor: string, ratioText: string, goal: string, met: boolean | undefined) =>
  rows.push({ line, measure, figure, floor, ratio: ratioText, goal, met });

function timingRow(line: string, measure: string, subject: Distribution, floor: Distribution, floorName: string, goal: number) {
  const median = ratio(subject.median, floor.median);
  row(line, measure, pair(subject), `${floorName} ${pair(floor)}`, `${times(median)} (p95 ${times(ratio(subject.p95, floor.p95))})`, `≤ ${goal}×`, median <= goal);
}

/** A timing beside its floor with no goal of its own: reported, for what it explains. */
function reportedTimingRow(line: string, measure: string, subject: Distribution, floor: Distribution, floorName: string) {
  row(line, measure, pair(subject), `${floorName} ${pair(floor)}`, times(ratio(subject.median, floor.median)), "reported", undefined);
}

const opsText = (ops: FirestoreOps) =>
  `${ops.reads} read${ops.reads === 1 ? "" : "s"}, ${ops.writes} write${ops.writes === 1 ? "" : "s"}, ${ops.transactions} txn, ${ops.rpcs} round trips` +
  (ops.queries ? `, ${ops.queries} quer${ops.queries === 1 ? "y" : "ies"}` : "");

/**
 * The least each call needs, by design (docs/scale-and-cost.md, "What one call costs"); the counts are
 * met when they are no more than this. An AI call is measured on a user whose counters this instance has
 * seen (a user's calls in a row); each key call on a fresh user, whose counter must be read first.
 */
const minimumOps: Record<keyof Awaited<ReturnType<typeof measureKeyPath>>["opsPerCall"], { reads: number; writes: number; transactions: number; why: string }> = {
  generateQuestions: {
    reads: 2,
    writes: 5,
    transactions: 0,
    why: "reads: key record (removal check), history settings (retention) + a count query beside it; writes: minute + day counters (one commit), then usage, the practice and the day's tokens side by side",
  },
  "generateQuestions falling back": {
    reads: 2,
    writes: 5,
    transactions: 0,
    why: "the first model busy, the fallback answers: the same as a plain call (the model chain is the call's memory, docs/models-and-usage.md)",
  },
  apiKeyStatus: { reads: 3, writes: 1, transactions: 0, why: "rate-limit counter read + write, record, today's count" },
  setApiKey: { reads: 3, writes: 3, transactions: 1, why: "counter r/w; txn: old record (keeps its daily limit), record + audit; today's count" },
  removeApiKey: { reads: 1, writes: 4, transactions: 0, why: "counter r/w; one commit: delete if present, the key's model list, audit" },
};

async function main() {
  const started = performance.now();
  const loadAtStart = loadavg()[0];
  mkdirSync(outputDir, { recursive: true });
  // The functions log every call to stdout, as on Cloud Functions; here their lines go to a file.
  const logPath = join(outputDir, "bench-functions.log");
  const log = createWriteStream(logPath);
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const print = (text: string) => stdoutWrite(text);
  const say = (text: string) => print(`${text}\n`);
  say(`bench: ${quick ? "quick run" : "full run"}; the functions' own log lines go to ${logPath}`);

  say("bench: web first visit (production build, Chromium, signed out) …");
  const web = await measureFirstVisit();
  say("bench: cold loads in fresh processes …");
  const cold = coldLoads(["floor", "keyManagement", "aiPath", "aiPathOpenAi", "allFunctions"], sizes.coldLoadRounds);
  const coldProfile = coldLoadProfile(sizes.coldLoadRounds);

  // On free ports, in memory: the bench needs neither the fixed ports nor keys that outlive its run.
  const kms = await startLocalKms({ host: config.kms.host, port: 0 });
  await kms.ensureCryptoKey(config.kmsKeyName);
  const standIn = await startGeminiStandIn({ host: config.geminiStandIn.host, port: 0 });
  functionsEnvironment(kms.address, standIn.url);
  installFirestoreOpCounter();
  say("bench: key path, AI calls and throughput against the emulators …");
  process.stdout.write = (chunk: string | Uint8Array) => log.write(chunk);
  let keyPath;
  try {
    keyPath = await measureKeyPath(loadFunctions(), { kms, standIn, kmsKeyName: config.kmsKeyName }, sizes);
  } finally {
    process.stdout.write = stdoutWrite;
    await standIn.stop();
    await kms.stop();
    await new Promise((resolve) => log.end(resolve));
  }

  // 1, 2
  timingRow("1", "warm key resolution (read, cached data key, AES-GCM open)", keyPath.warmResolution.subject, keyPath.warmResolution.floor, "point read", 1.2);
  const { kmsWarm, kmsCold } = keyPath;
  row("2", `KMS calls per 1,000 warm resolutions of one key`, `${((kmsWarm.decrypts * 1000) / kmsWarm.resolutions).toFixed(1)}`, "0", "", "0", kmsWarm.decrypts === 0);
  row(
    "2",
    `KMS calls, fresh instance: ${kmsCold.concurrent} concurrent first resolutions; again after the cache TTL`,
    `${kmsCold.decryptsFirst}; ${kmsCold.decryptsAfterTtl}`,
    "1; 1",
    "",
    "≤ 1 per data key per TTL",
    kmsCold.decryptsFirst <= 1 && kmsCold.decryptsAfterTtl <= 1,
  );
  // 3
  // The honest floor of an exact limit is the one commit that counts the call: the path is measured against it.
  const steps = keyPath.pathSteps;
  const pathRatio = steps.pairedRatio.median;
  row(
    "3",
    "AI call before Gemini: handler entry → first byte at Gemini",
    pair(keyPath.preUpstream.subject),
    `counting commit ${pair(keyPath.countersCommit.subject)}`,
    `${times(pathRatio)} paired (p95 ${times(steps.pairedRatio.p95)}); medians ${times(ratio(keyPath.preUpstream.subject.median, keyPath.countersCommit.subject.median))}`,
    "≤ 1.3×",
    pathRatio <= 1.3,
  );
  const bare = keyPath.bareGenkitPath;
  row(
    "3",
    "  the least on Genkit: a commit of two counters, the key's record read beside it, then a flow on the googleAI plugin, key in its config",
    pair(bare.subject),
    `its commit ${pair(bare.commit)}`,
    `${times(bare.pairedRatio.median)} paired (p95 ${times(bare.pairedRatio.p95)})`,
    "reported",
    undefined,
  );
  row(
    "3",
    "  ours beside it: the same with the key decrypted, the account check, the input check, the history and the user-key model",
    pair(keyPath.preUpstream.subject),
    `the least on Genkit ${pair(bare.subject)}`,
    `${times(ratio(keyPath.preUpstream.subject.median, bare.subject.median))}; ${times(ratio(keyPath.preUpstream.subject.median, bare.commit.median))} its lone commit`,
    "reported",
    undefined,
  );
  reportedTimingRow("3", "  the same, against a point read (as measured before)", keyPath.preUpstream.subject, keyPath.preUpstream.floor, "point read");
  reportedTimingRow(
    "3",
    "  of which: the commit counting the call (minute + day); key record read beside it, decrypted after",
    keyPath.countersCommit.subject,
    keyPath.countersCommit.floor,
    "point read",
  );
  reportedTimingRow(
    "3",
    "  beside them: the account check (Auth getUser: deleted, disabled, revoked), alone",
    keyPath.accountCheck.subject,
    keyPath.accountCheck.floor,
    "point read",
  );
  // The same path step by step (key-path.ts, PathSteps): what it adds to the commit, and where.
  const commit = keyPath.countersCommit.subject;
  const stepRow = (measure: string, step: Distribution) => row("3", measure, pair(step), "", `${times(step.median / commit.median)} of the commit`, "reported", undefined);
  stepRow("  step: handler entry → counting commit sent (input check, rate-limit state)", steps.beforeCommit);
  stepRow("  step: the counting commit (the floor)", commit);
  stepRow("  step: commit answered → flow starts (key decrypted, daily limit, account check awaited)", steps.commitToFlow);
  stepRow("  step: flow starts → user-key model (Genkit: flow, generate, request checks)", steps.genkitToModel);
  stepRow("  step: user-key model → HTTP request created (Gemini's adapter: the googleAI plugin's model action)", steps.modelToRequest);
  reportedTimingRow("3", "  step: HTTP request created → the stand-in has it", steps.httpHop.subject, steps.httpHop.floor, "bare request, same size");
  const afterCommit = steps.beforeCommit.median + steps.commitToFlow.median + steps.genkitToModel.median + steps.modelToRequest.median + steps.httpHop.subject.median;
  row(
    "3",
    "  the steps' medians beside the commit: what the path adds to it; of which the bare HTTP request",
    `${ms(afterCommit)} ms`,
    `bare request ${ms(steps.httpHop.floor.median)} ms`,
    `${times((commit.median + afterCommit) / commit.median)}; without the HTTP hop ${times((commit.median + afterCommit - steps.httpHop.subject.median) / commit.median)}`,
    "reported",
    undefined,
  );
  const bookkeepingFloor = "same write beside practice + tokens";
  timingRow("3", "AI call after Gemini: bookkeeping (usage, state)", keyPath.bookkeeping.subject, keyPath.bookkeeping.floor, bookkeepingFloor, 1.2);
  reportedTimingRow(
    "3",
    "AI call after Gemini: answer sent → handler returns (Genkit's parse + bookkeeping)",
    keyPath.postUpstream.subject,
    keyPath.postUpstream.floor,
    bookkeepingFloor,
  );
  // What a warm AI call spends its CPU on, in this process (the functions, Genkit, the Firestore client and
  // the stand-in; the Firestore emulator and the KMS are other processes): the profile is printed below the table.
  const profilePath = join(outputDir, "bench-ai-call.cpuprofile");
  writeFileSync(profilePath, JSON.stringify(keyPath.aiCallProfile.profile));
  const cpu = summarizeCpuProfile(keyPath.aiCallProfile.profile, 12);
  const perCall = (totalMs: number) => totalMs / keyPath.aiCallProfile.calls;
  row("3", "  CPU of a warm AI call in this process (profile below the table)", `${ms(perCall(cpu.busyMs))} ms CPU/call`, "", "", "reported", undefined);
  // 4
  for (const [name, ops] of Object.entries(keyPath.opsPerCall) as Array<[keyof typeof minimumOps, FirestoreOps]>) {
    const minimum = minimumOps[name];
    row(
      "4",
      `Firestore ops per ${name} call`,
      opsText(ops),
      `min ${minimum.reads} r, ${minimum.writes} w, ${minimum.transactions} txn`,
      "",
      minimum.why,
      ops.reads <= minimum.reads && ops.writes <= minimum.writes && ops.transactions <= minimum.transactions,
    );
  }
  // 5
  const coldOf = (name: keyof typeof cold, field: "ms" | "cpuMs") => distribution(cold[name].map((sample) => sample[field]));
  const [floorCpu, keyCpu, aiCpu] = (["floor", "keyManagement", "aiPath"] as const).map((name) => coldOf(name, "cpuMs"));
  const [floorWall, keyWall, aiWall] = (["floor", "keyManagement", "aiPath"] as const).map((name) => coldOf(name, "ms"));
  const heavyInEntry = [...new Set(cold.keyManagement.flatMap((sample) => sample.heavy))];
  // Fresh processes are noisy on a shared machine: each round's entry point over that round's floor, the median of those.
  const pairedRatio = (name: keyof typeof cold, field: "ms" | "cpuMs") =>
    distribution(cold[name].map((sample, round) => sample[field] / cold.floor[round][field])).median;
  const keyRatio = pairedRatio("keyManagement", "cpuMs");
  row(
    "5",
    `cold load, instance serving apiKeyStatus (lib/index.js)${heavyInEntry.length ? `; loads ${heavyInEntry.join(", ")}` : "; no Genkit, no KMS"}: CPU (wall)`,
    `${pair(keyCpu)} (${ms(keyWall.median)} ms)`,
    `SDK floor ${pair(floorCpu)} (${ms(floorWall.median)} ms)`,
    `${times(keyRatio)} paired (wall ${times(pairedRatio("keyManagement", "ms"))})`,
    "≤ 1.1×",
    keyRatio <= 1.1 && heavyInEntry.length === 0,
  );
  const aiRatio = pairedRatio("aiPath", "cpuMs");
  row(
    "5",
    "cold load, AI instance by its first call on a Gemini key (+ Genkit, googleAI plugin, one flow, KMS client): CPU (wall)",
    `${pair(aiCpu)} (${ms(aiWall.median)} ms)`,
    `SDK floor ${pair(floorCpu)} (${ms(floorWall.median)} ms)`,
    `${times(aiRatio)} paired; +${ms(aiCpu.median - keyCpu.median)} ms over key mgmt`,
    "≤ 1.5×",
    aiRatio <= 1.5,
  );
  const aiOpenAiCpu = coldOf("aiPathOpenAi", "cpuMs");
  const aiOpenAiRatio = pairedRatio("aiPathOpenAi", "cpuMs");
  row(
    "5",
    "cold load, AI instance by its first call on an OpenAI key (openai SDK, no googleAI plugin): CPU",
    pair(aiOpenAiCpu),
    `SDK floor ${pair(floorCpu)}`,
    `${times(aiOpenAiRatio)} paired`,
    "≤ 1.5×",
    aiOpenAiRatio <= 1.5,
  );
  // What the AI instance's load is made of, part by part (each part what it adds to those before it).
  const partMs = coldLoadParts.map((_, index) => distribution(coldProfile.map((round) => round[index])).median);
  const profileFloor = partMs[0];
  coldLoadParts.forEach((part, index) => {
    if (index === 0) return;
    row("5", `  part: ${part.label}`, `${ms(partMs[index])} ms CPU`, `SDK floor ${ms(profileFloor)} ms`, `${times(partMs[index] / profileFloor)}`, "reported", undefined);
  });
  // The least an AI instance on Genkit could load by its first Gemini call: every part that call loads,
  // without the exporters nothing uses (which only patching sdk-node's import would drop).
  const geminiCallMs = coldLoadParts.reduce((sum, part, index) => (part.onGeminiCall ? sum + partMs[index] : sum), 0);
  const leastOnGenkit = (geminiCallMs - partMs[unusedExportersPart]) / profileFloor;
  row(
    "5",
    "  least an AI instance on Genkit loads (the Gemini call's parts above, less the unused exporters)",
    `${ms(geminiCallMs - partMs[unusedExportersPart])} ms CPU`,
    `SDK floor ${ms(profileFloor)} ms`,
    times(leastOnGenkit),
    "≤ 1.5× possible?",
    leastOnGenkit <= 1.5,
  );
  const allCpu = coldOf("allFunctions", "cpuMs");
  row(
    "5",
    "cold load, every function (no FUNCTION_TARGET: deploy discovery, tests): CPU",
    pair(allCpu),
    `SDK floor ${pair(floorCpu)}`,
    `${times(pairedRatio("allFunctions", "cpuMs"))} paired`,
    "reported",
    undefined,
  );
  // 6
  const tp = keyPath.throughput;
  row(
    "6",
    `throughput: ${tp.users} users at once × ${tp.callsPerUser} AI calls, one instance`,
    `${tp.callsPerSecond.toFixed(1)} calls/s; ${tp.cpuMsPerCall.toFixed(0)} ms CPU/call; overhead ${pair(tp.overhead)}`,
    `${tp.users * tp.callsPerUser} calls in ${tp.seconds.toFixed(1)} s`,
    `${tp.errors} errors, ${tp.mixUps} mix-ups`,
    "0 errors, 0 mix-ups",
    tp.errors === 0 && tp.mixUps === 0,
  );
  // 7
  row(
    "7",
    `web first visit, signed out (${web.method === "browser" ? "Chromium" : "index.html only"}: ${web.files.length} script${web.files.length === 1 ? "" : "s"})`,
    `${(web.gzipBytes / 1000).toFixed(1)} kB gzipped`,
    "",
    "",
    "≤ 100 kB",
    web.gzipBytes <= 100_000,
  );

  say("");
  say(`npm run bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}`);
  say(`medians / p95; ratios median to median (p95 to p95), "paired": the median of each round's (cold loads) or call's (the path before Gemini) own ratio; floors measured in this run, interleaved`);
  say(formatTable(rows));
  say("");
  say(`CPU profile of ${keyPath.aiCallProfile.calls} warm AI calls (self time, ms per call; ${profilePath.slice(repoRoot.length + 1)}, open in Chrome DevTools):`);
  say(`  by owner: ${cpu.byOwner.slice(0, 10).map((share) => `${share.name} ${ms(perCall(share.ms))}`).join("; ")}`);
  for (const share of cpu.topFunctions) say(`  ${ms(perCall(share.ms)).padStart(6)}  ${share.name}`);
  say("The same calls' path before Gemini, step by step (ms per call): wall time, this process's CPU inside it, and whose CPU:");
  for (const step of cpuByStep(keyPath.aiCallProfile.profile, keyPath.aiCallProfile.stepWindows)) {
    const owners = step.byOwner.slice(0, 6).map((share) => `${share.name} ${ms(perCall(share.ms))}`).join("; ");
    say(`  ${step.step.padEnd(26)} wall ${ms(perCall(step.wallMs)).padStart(5)}, CPU ${ms(perCall(step.busyMs)).padStart(5)}: ${owners}`);
    for (const share of step.topFunctions.slice(0, 3)) say(`  ${"".padEnd(26)} ${ms(perCall(share.ms)).padStart(6)}  ${share.name}`);
  }
  say(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
  const mixUpsOrBroken = tp.mixUps > 0;
  if (mixUpsOrBroken) throw new Error("A call reached Gemini with another user's key: the run is broken.");
}

function formatTable(table: Row[]): string {
  const header: Row = { line: "#", measure: "measure", figure: "figure", floor: "floor", ratio: "ratio", goal: "goal", met: undefined };
  const cells = (r: Row) => [r.line, r.measure, r.figure, r.floor, r.ratio, r.goal, r === header ? "met" : r.met === undefined ? "—" : r.met ? "yes" : "NO"];
  const all = [header, ...table].map(cells);
  const widths = all[0].map((_, column) => Math.max(...all.map((cellsOfRow) => cellsOfRow[column].length)));
  const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column])).join(" | ")} |`;
  return [line(all[0]), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...all.slice(1).map(line)].join("\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nbench: the run broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
