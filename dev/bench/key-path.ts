import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { FieldValue } from "firebase-admin/firestore";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { GeminiStandIn, RecordedRequest } from "../gemini-stand-in/server";
import type { LocalKms } from "../local-kms/server";
import { repoRoot } from "../stack-config";
import type { AiCallStep } from "../../functions/src/ai/call-steps";
import { fakeGeminiKey } from "../../test/support/keys";
import { profileCpu, type CpuProfile, type StepWindow } from "./cpu-profile";
import { firestoreOps, onCommit, opsBetween, type FirestoreOps } from "./firestore-ops";
import { distribution, interleaved, timed, type Distribution } from "./stats";

/**
 * The bring-your-own-key path measured in this process: the callables' real handlers, built (from auth
 * context to Firestore, the local KMS and the Gemini stand-in), skipping only the callable protocol's
 * HTTP hop, each figure beside its floor measured in the same run.
 */

type Functions = ReturnType<typeof loadFunctions>;

/**
 * The built functions (functions/lib, as deployed), typed by their sources. Loaded once the environment
 * is set (main.ts): params and endpoint overrides are read when the functions first use them.
 */
export function loadFunctions() {
  const load = createRequire(__filename);
  const lib = (path: string): unknown => load(join(repoRoot, "functions", "lib", `${path}.js`));
  return {
    firestore: (lib("platform/admin") as typeof import("../../functions/src/platform/admin.js")).firestore,
    auth: (lib("platform/admin") as typeof import("../../functions/src/platform/admin.js")).auth,
    accountStatus: lib("platform/account-status") as typeof import("../../functions/src/platform/account-status.js"),
    generateQuestions: (lib("callables/generate-questions") as typeof import("../../functions/src/callables/generate-questions.js")).generateQuestions,
    setApiKey: (lib("callables/set-api-key") as typeof import("../../functions/src/callables/set-api-key.js")).setApiKey,
    apiKeyStatus: (lib("callables/api-key-status") as typeof import("../../functions/src/callables/api-key-status.js")).apiKeyStatus,
    removeApiKey: (lib("callables/remove-api-key") as typeof import("../../functions/src/callables/remove-api-key.js")).removeApiKey,
    vault: lib("vault/api-key-vault") as typeof import("../../functions/src/vault/api-key-vault.js"),
    store: lib("vault/api-key-store") as typeof import("../../functions/src/vault/api-key-store.js"),
    cache: lib("vault/data-key-cache") as typeof import("../../functions/src/vault/data-key-cache.js"),
    callSteps: lib("ai/call-steps") as typeof import("../../functions/src/ai/call-steps.js"),
    kms: lib("vault/kms-key-wrapper") as typeof import("../../functions/src/vault/kms-key-wrapper.js"),
    genkit: lib("ai/genkit") as typeof import("../../functions/src/ai/genkit.js"),
    schemas: lib("ai/schemas") as typeof import("../../functions/src/ai/schemas.js"),
  };
}

/** A handler as firebase-functions' onCall exposes it for in-process runs. */
type Handler = { run(request: never): unknown };

/** Runs a callable's handler in this process for `uid`, as firebase-functions would after checking the ID token. */
function callHandler<Result>(handler: Handler, uid: string, data: unknown): Promise<Result> {
  const token = { email: `${uid}@example.test`, email_verified: true, auth_time: Math.floor(Date.now() / 1000), firebase: { sign_in_provider: "password" } };
  const request = { data, auth: { uid, token }, acceptsStreaming: false, rawRequest: {} };
  const response = { sendChunk: () => Promise.resolve(false), signal: new AbortController().signal };
  return (handler as { run(request: never, response: never): unknown }).run(request as never, response as never) as Promise<Result>;
}

export interface BenchUser {
  uid: string;
  apiKey: string;
  /** Put into every job title, so the stand-in's requests can be traced to the user. */
  tag: string;
}

/**
 * A user with an account on the Auth emulator (setApiKey and the AI callables check it still may act)
 * and a stored key (saved through setApiKey, unverified: the stand-in sees no check call).
 */
async function userWithKey(fns: Functions): Promise<BenchUser> {
  const user = { uid: `bench-${randomUUID()}`, apiKey: fakeGeminiKey(), tag: `bench-${randomUUID().slice(0, 8)}` };
  await fns.auth().createUser({ uid: user.uid, email: `${user.uid}@example.test`, emailVerified: true });
  await callHandler(fns.setApiKey, user.uid, { apiKey: user.apiKey, verify: false });
  return user;
}

/**
 * The request the web app sends: it always names the provider whose key it told the user would pay, so
 * the key is one point read (a call naming none reads the user's records and preference side by side).
 */
const questions = (user: BenchUser) => ({ jobTitle: `Platform engineer (${user.tag})`, interviewType: "technical", count: 1, provider: "googleai" });

/** The generate request the stand-in received for `user` after `since` (performance.now()). */
function generateRequestOf(standIn: GeminiStandIn, user: Pick<BenchUser, "tag">, since: number): RecordedRequest {
  const found = standIn.requests.filter((request) => request.model && request.receivedAt >= since && JSON.stringify(request.body ?? "").includes(user.tag));
  assert.equal(found.length, 1, `expected one generate request for ${user.tag}, saw ${found.length}`);
  return found[0];
}

export interface Timing {
  subject: Distribution;
  floor: Distribution;
}

/** The path's steps, in order, as `PathSteps` and the CPU profile's step windows name them. */
type PathStep = "before the commit" | "the commit" | "commit → flow" | "Genkit, flow → model" | "plugin, model → request" | "HTTP request → stand-in";

/**
 * The path before Gemini, step by step (each the median of its per-call durations): from the handler's
 * entry to the counting commit's request; the commit; from its answer to the flow's start (the key
 * decrypted, the daily limit decided, the account check awaited); Genkit from the flow's start to the
 * user-key model; the model and Gemini's adapter (the googleAI plugin's model action) to the HTTP
 * request's creation (undici's `undici:request:create`); and that request until the stand-in has it,
 * beside a bare request of the same size to the same stand-in.
 */
export interface PathSteps {
  /**
   * Each call's path over its own counting commit: the commit is part of the call, so each call is its
   * own pair (as the cold loads pair each round with its floor); the median of those ratios.
   */
  pairedRatio: Distribution;
  beforeCommit: Distribution;
  commitToFlow: Distribution;
  genkitToModel: Distribution;
  modelToRequest: Distribution;
  httpHop: Timing;
}

export interface KeyPathResults {
  warmResolution: Timing;
  /** Decrypt calls the local KMS received during `warmResolutions` warm resolutions of one key. */
  kmsWarm: { resolutions: number; decrypts: number };
  /** One fresh instance's vault: `concurrent` first resolutions of one key at once, then again after the cache's TTL. */
  kmsCold: { concurrent: number; decryptsFirst: number; decryptsAfterTtl: number };
  preUpstream: Timing;
  pathSteps: PathSteps;
  /** The commit that counts the call before Gemini (the key is read beside it): the I/O on that path. */
  countersCommit: Timing;
  /**
   * The least a bring-your-own-key app on Genkit could do on the same path, beside it: a commit of two counters
   * with the key's record read beside it, then a flow on the googleAI plugin's model with the key in its config;
   * each call over its own commit (`pairedRatio`).
   */
  bareGenkitPath: { subject: Distribution; commit: Distribution; pairedRatio: Distribution };
  /** The vault's recordUse inside each call (usage count, last use, state). */
  bookkeeping: Timing;
  /** From the stand-in's answer to the handler's return: Genkit's parse of the answer, then the bookkeeping. */
  postUpstream: Timing;
  /** The account check (platform/account-status.ts) alone, beside a point read: on the AI path it runs beside the counting commit and key read. */
  accountCheck: Timing;
  /** Per call, from sequential calls (each the same; the most frequent is reported). */
  opsPerCall: Record<"generateQuestions" | "generateQuestions falling back" | "apiKeyStatus" | "setApiKey" | "removeApiKey", FirestoreOps>;
  /** A CPU profile of this process around `calls` warm AI calls, one at a time, after the timed ones. */
  aiCallProfile: { calls: number; profile: CpuProfile; stepWindows: StepWindow[] };
  throughput: {
    users: number;
    callsPerUser: number;
    seconds: number;
    callsPerSecond: number;
    /** CPU this process spent per call (the functions' code, Genkit, the Firestore client; the stand-in too). */
    cpuMsPerCall: number;
    overhead: Distribution;
    errors: number;
    mixUps: number;
  };
}

export async function measureKeyPath(
  fns: Functions,
  { kms, standIn, kmsKeyName }: { kms: LocalKms; standIn: GeminiStandIn; kmsKeyName: string },
  sizes: { rounds: number; warmResolutions: number; throughputUsers: number; callsPerUser: number; profiledCalls: number },
): Promise<KeyPathResults> {
  const db = fns.firestore();
  const provider = "googleai" as const;

  // 1, 2: warm key resolution beside a bare point read of the same document; KMS calls meanwhile.
  const resolver = await userWithKey(fns);
  const vault = fns.vault.defaultVault();
  const keyDoc = fns.store.apiKeyDoc(db, resolver.uid, provider);
  const resolve = async () => {
    const stored = await vault.readApiKey(resolver.uid, provider);
    assert.equal(stored?.apiKey, resolver.apiKey, "warm resolution returned another key");
  };
  await resolve(); // the instance's first resolution: its one KMS call for this data key
  for (let i = 0; i < 20; i += 1) await Promise.all([resolve(), keyDoc.get()]);
  const decryptsBefore = kms.callCount("Decrypt");
  const resolution = await interleaved(sizes.warmResolutions, () => timed(() => keyDoc.get()), () => timed(resolve));
  // The account check the AI path runs beside the counting commit and the key read, measured alone.
  const signedInAt = Math.floor(Date.now() / 1000);
  const accountCheck = await interleaved(sizes.rounds, () => timed(() => keyDoc.get()), () => timed(() => fns.accountStatus.requireActiveAccount(resolver.uid, signedInAt)));
  const kmsWarm = { resolutions: sizes.warmResolutions, decrypts: kms.callCount("Decrypt") - decryptsBefore };

  // 2: a fresh instance (its own vault and cache): a burst of first resolutions, then one after the TTL.
  let clock = Date.now();
  const ttlMs = 5 * 60_000;
  const freshVault = fns.vault.createApiKeyVault(
    db,
    fns.cache.cachingUnwrap(fns.kms.kmsKeyWrapper(fns.kms.createKmsClient(), kmsKeyName), { maxEntries: 1000, ttlMs, now: () => clock }),
  );
  const concurrent = 50;
  const coldBefore = kms.callCount("Decrypt");
  const burst = await Promise.all(Array.from({ length: concurrent }, () => freshVault.readApiKey(resolver.uid, provider)));
  assert.ok(burst.every((stored) => stored?.apiKey === resolver.apiKey), "a cold resolution returned another key");
  const decryptsFirst = kms.callCount("Decrypt") - coldBefore;
  clock += ttlMs + 1;
  await Promise.all(Array.from({ length: concurrent }, () => freshVault.readApiKey(resolver.uid, provider)));
  const decryptsAfterTtl = kms.callCount("Decrypt") - coldBefore - decryptsFirst;

  // 3, 4: AI calls one at a time, each beside one point read (before Gemini) and one write (after).
  // The bookkeeping after Gemini answered is the vault's recordUse (usage, state): timed where the call makes it.
  const bookkeeping: number[] = [];
  const recordUse = vault.recordUse.bind(vault);
  vault.recordUse = async (...args) => {
    const started = performance.now();
    try {
      return await recordUse(...args);
    } finally {
      bookkeeping.push(performance.now() - started);
    }
  };
  const caller = await userWithKey(fns);
  // The floor of the bookkeeping: the write it must make anyway (usage, state), unconditional, to a copy of the
  // record, sent as the call sends it: beside the practice's save and the day's tokens (generate-for-user.ts).
  const callerKeyDoc = fns.store.apiKeyDoc(db, caller.uid, provider);
  const floorDoc = db.collection("benchFloor").doc(caller.uid);
  await floorDoc.set((await callerKeyDoc.get()).data()!);
  const floorWrite = () => floorDoc.update({ lastUsedAt: new Date(), usageCount: FieldValue.increment(1), state: "active" });
  const floorDay = db.collection("benchFloor").doc(`${caller.uid}-day`);
  const besideWrites = () => [
    floorDoc.collection("practices").doc().create({ jobTitle: questions(caller).jobTitle, questions: [{ id: "q1", text: "A question of about this length?", category: "technical" }], createdAt: new Date() }),
    floorDay.set({ inputTokens: FieldValue.increment(100), outputTokens: FieldValue.increment(100) }, { merge: true }),
  ];
  const standInOrigin = new URL(standIn.url).origin;
  const aiCall = async () => {
    const commits: Array<{ ms: number; answeredAt: number }> = [];
    onCommit((ms) => commits.push({ ms, answeredAt: performance.now() }));
    const steps = new Map<AiCallStep | "request", number>();
    const onStep = (message: unknown) => {
      const { step, at } = message as { step: AiCallStep; at: number };
      if (!steps.has(step)) steps.set(step, at);
    };
    const onRequest = (message: unknown) => {
      const { request } = message as { request: { origin: string; path: string } };
      if (request.origin === standInOrigin && request.path.includes(":generateContent") && !steps.has("request")) steps.set("request", performance.now());
    };
    subscribe(fns.callSteps.aiCallStepChannel, onStep);
    subscribe("undici:request:create", onRequest);
    const started = performance.now();
    const before = firestoreOps();
    try {
      await callHandler(fns.generateQuestions, caller.uid, questions(caller));
    } finally {
      unsubscribe(fns.callSteps.aiCallStepChannel, onStep);
      unsubscribe("undici:request:create", onRequest);
    }
    const ended = performance.now();
    onCommit(undefined);
    const ops = opsBetween(before, firestoreOps());
    const request = generateRequestOf(standIn, caller, started);
    assert.equal(request.apiKey, caller.apiKey, "the call reached Gemini with another key");
    // The call's first commit counts it (both windows, before Gemini); the last records its use.
    const counting = commits[0];
    const at = (step: AiCallStep | "request") => {
      const time = steps.get(step);
      assert.ok(time !== undefined, `the call passed no "${step}" step`);
      return time;
    };
    const commitSent = counting.answeredAt - counting.ms;
    // Each step as a window of this process's clock: its duration, and the profile's samples that fall in it.
    const stepWindows: Array<StepWindow & { step: PathStep }> = [
      { step: "before the commit", from: started, to: commitSent },
      { step: "the commit", from: commitSent, to: counting.answeredAt },
      { step: "commit → flow", from: counting.answeredAt, to: at("flow") },
      { step: "Genkit, flow → model", from: at("flow"), to: at("model") },
      { step: "plugin, model → request", from: at("model"), to: at("request") },
      { step: "HTTP request → stand-in", from: at("request"), to: request.receivedAt },
    ];
    return { pre: request.receivedAt - started, countersCommit: counting.ms, post: ended - request.answeredAt!, ops, stepWindows, bodyBytes: JSON.stringify(request.body).length };
  };
  /** A bare request to the stand-in, of the size of a generate request: its creation in undici until the stand-in has it. */
  const bareRequest = async (bodyBytes: number): Promise<number> => {
    const url = `${standIn.url}/v1beta/bench-floor`;
    let created = NaN;
    const onRequest = (message: unknown) => {
      if ((message as { request: { path: string } }).request.path.endsWith("/bench-floor")) created = performance.now();
    };
    subscribe("undici:request:create", onRequest);
    try {
      await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(bodyBytes) }) })).text();
    } finally {
      unsubscribe("undici:request:create", onRequest);
    }
    const received = [...standIn.requests].reverse().find((recorded) => recorded.receivedAt >= created);
    assert.ok(received, "the stand-in recorded no bare request");
    return received.receivedAt - created;
  };
  // 3: the least a bring-your-own-key app on Genkit could do on this path, none of our code and none of its
  // guarantees: count the call in one commit (two counters, as ours) with the key's record read beside it, then a
  // flow asks the googleAI plugin's model by name, the key in its config. No decryption, account check, input
  // check, history or user-key model (so the key would be in Genkit's spans).
  const bareTag = `bare-${randomUUID().slice(0, 8)}`;
  const bareCounters = [db.collection("benchFloor").doc(`${bareTag}-minute`), db.collection("benchFloor").doc(`${bareTag}-day`)];
  const { ai } = fns.genkit;
  const bareFlow = ai.defineFlow({ name: "benchBareGenkitFlow" }, async (jobTitle: string) => {
    const response = await ai.generate({
      model: "googleai/gemini-flash-latest",
      system: "You are an experienced interviewer who prepares candidates for job interviews. Write realistic, specific interview questions for the role described by the user.",
      prompt: `Write exactly 1 technical interview question.\n<role>\nJob title: ${jobTitle}\n</role>`,
      output: { schema: fns.schemas.questionsAnswerSchema(1) },
      config: { apiKey: caller.apiKey, maxOutputTokens: 8_192, thinkingConfig: { thinkingLevel: "LOW" } },
    });
    return response.output;
  });
  const bareGenkitCall = async (): Promise<{ pre: number; commit: number }> => {
    const commits: number[] = [];
    onCommit((ms) => commits.push(ms));
    const started = performance.now();
    try {
      const batch = db.batch();
      for (const counter of bareCounters) batch.set(counter, { count: FieldValue.increment(1) }, { merge: true });
      await Promise.all([batch.commit(), callerKeyDoc.get()]);
      await bareFlow.run(`Platform engineer (${bareTag})`);
    } finally {
      onCommit(undefined);
    }
    return { pre: generateRequestOf(standIn, { tag: bareTag }, started).receivedAt - started, commit: commits[0] };
  };

  let bodyBytes = 0;
  for (let i = 0; i < 5; i += 1) {
    ({ bodyBytes } = await aiCall()); // loads the AI stack, warms Genkit and the data-key cache
    await bareGenkitCall();
  }
  await bareRequest(bodyBytes);
  bookkeeping.length = 0;
  const pre: number[] = [];
  const countersCommit: number[] = [];
  const post: number[] = [];
  const preFloor: number[] = [];
  const postFloor: number[] = [];
  const aiOps: FirestoreOps[] = [];
  const paths: Array<Awaited<ReturnType<typeof aiCall>>["stepWindows"]> = [];
  const httpFloor: number[] = [];
  const bareGenkit: Array<{ pre: number; commit: number }> = [];
  await interleaved(
    sizes.rounds,
    async () => {
      preFloor.push(await timed(() => keyDoc.get()));
      postFloor.push(await sideBySide(floorWrite, besideWrites));
      httpFloor.push(await bareRequest(bodyBytes));
      bareGenkit.push(await bareGenkitCall());
      return 0;
    },
    async () => {
      const call = await aiCall();
      pre.push(call.pre);
      countersCommit.push(call.countersCommit);
      post.push(call.post);
      aiOps.push(call.ops);
      paths.push(call.stepWindows);
      return 0;
    },
  );
  const stepOf = (step: PathStep) =>
    distribution(paths.map((windows) => windows.filter((window) => window.step === step).reduce((ms, window) => ms + window.to - window.from, 0)));

  // 3: where the CPU of a warm AI call goes (after the timed calls, so the profiler does not slow those).
  const profiledWindows: StepWindow[] = [];
  const { profile } = await profileCpu(async () => {
    for (let i = 0; i < sizes.profiledCalls; i += 1) profiledWindows.push(...(await aiCall()).stepWindows);
  });

  // 4: the key-management callables, each on fresh users, one call at a time.
  const keyCallOps = async (name: "apiKeyStatus" | "setApiKey" | "removeApiKey", times: number): Promise<FirestoreOps> => {
    const samples: FirestoreOps[] = [];
    for (let i = 0; i < times; i += 1) {
      const user = await userWithKey(fns);
      const before = firestoreOps();
      if (name === "setApiKey") await callHandler(fns.setApiKey, user.uid, { apiKey: fakeGeminiKey(), verify: false });
      else await callHandler(name === "apiKeyStatus" ? fns.apiKeyStatus : fns.removeApiKey, user.uid, {});
      samples.push(opsBetween(before, firestoreOps()));
    }
    return mostFrequent(samples);
  };
  // 4, the model chain: the same call when its first model is busy and the fallback answers. The chain
  // lives in the call's memory, so it must make the Firestore operations of a plain call, no more.
  const plainCallStarted = performance.now();
  await callHandler(fns.generateQuestions, caller.uid, questions(caller));
  const firstModel = generateRequestOf(standIn, caller, plainCallStarted).model!;
  const fallbackOps: FirestoreOps[] = [];
  standIn.setModelBehaviour(firstModel, "busy");
  try {
    for (let i = 0; i < 5; i += 1) {
      const before = firestoreOps();
      const result = await callHandler<{ fallback?: boolean }>(fns.generateQuestions, caller.uid, questions(caller));
      fallbackOps.push(opsBetween(before, firestoreOps()));
      assert.equal(result.fallback, true, "the busy first model's fallback answered");
    }
  } finally {
    standIn.setModelBehaviour(firstModel, undefined);
  }
  const opsPerCall = {
    generateQuestions: mostFrequent(aiOps),
    "generateQuestions falling back": mostFrequent(fallbackOps),
    apiKeyStatus: await keyCallOps("apiKeyStatus", 5),
    setApiKey: await keyCallOps("setApiKey", 5),
    removeApiKey: await keyCallOps("removeApiKey", 5),
  };

  // 6: many users at once, each making calls one after another, all in this one instance.
  const users = await Promise.all(Array.from({ length: sizes.throughputUsers }, () => userWithKey(fns)));
  standIn.clearRequests();
  const overhead: number[] = [];
  let errors = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    users.map(async (user) => {
      for (let i = 0; i < sizes.callsPerUser; i += 1) {
        const callStarted = performance.now();
        try {
          await callHandler(fns.generateQuestions, user.uid, questions(user));
          overhead.push(generateRequestOf(standIn, user, callStarted).receivedAt - callStarted);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const owners = new Map(users.map((user) => [user.tag, user.apiKey]));
  let mixUps = 0;
  for (const request of standIn.requests.filter((r) => r.model)) {
    const tag = /\((bench-[0-9a-f]{8})\)/.exec(JSON.stringify(request.body ?? ""))?.[1];
    if (!tag || owners.get(tag) !== request.apiKey) mixUps += 1;
  }

  return {
    warmResolution: { subject: distribution(resolution.subject), floor: distribution(resolution.floor) },
    accountCheck: { subject: distribution(accountCheck.subject), floor: distribution(accountCheck.floor) },
    kmsWarm,
    kmsCold: { concurrent, decryptsFirst, decryptsAfterTtl },
    preUpstream: { subject: distribution(pre), floor: distribution(preFloor) },
    pathSteps: {
      pairedRatio: distribution(pre.map((ms, index) => ms / countersCommit[index])),
      beforeCommit: stepOf("before the commit"),
      commitToFlow: stepOf("commit → flow"),
      genkitToModel: stepOf("Genkit, flow → model"),
      modelToRequest: stepOf("plugin, model → request"),
      httpHop: { subject: stepOf("HTTP request → stand-in"), floor: distribution(httpFloor) },
    },
    countersCommit: { subject: distribution(countersCommit), floor: distribution(preFloor) },
    bareGenkitPath: {
      subject: distribution(bareGenkit.map((call) => call.pre)),
      commit: distribution(bareGenkit.map((call) => call.commit)),
      pairedRatio: distribution(bareGenkit.map((call) => call.pre / call.commit)),
    },
    bookkeeping: { subject: distribution(bookkeeping.slice(0, sizes.rounds)), floor: distribution(postFloor) },
    postUpstream: { subject: distribution(post), floor: distribution(postFloor) },
    opsPerCall,
    aiCallProfile: { calls: sizes.profiledCalls, profile, stepWindows: profiledWindows },
    throughput: {
      users: users.length,
      callsPerUser: sizes.callsPerUser,
      seconds,
      callsPerSecond: (users.length * sizes.callsPerUser - errors) / seconds,
      cpuMsPerCall: (cpu.user + cpu.system) / 1000 / (users.length * sizes.callsPerUser),
      overhead: distribution(overhead.length ? overhead : [NaN]),
      errors,
      mixUps,
    },
  };
}

/** Milliseconds `work` takes while the writes of `beside` go out with it. */
async function sideBySide(work: () => Promise<unknown>, beside: () => Array<Promise<unknown>>): Promise<number> {
  const [ms] = await Promise.all([timed(work), ...beside()]);
  return ms;
}

/** The operation counts seen most often (calls of one kind should all count the same). */
function mostFrequent(samples: FirestoreOps[]): FirestoreOps {
  const tally = new Map<string, { ops: FirestoreOps; count: number }>();
  for (const ops of samples) {
    const key = JSON.stringify(ops);
    tally.set(key, { ops, count: (tally.get(key)?.count ?? 0) + 1 });
  }
  return [...tally.values()].sort((a, b) => b.count - a.count)[0].ops;
}
