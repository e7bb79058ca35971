import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Timestamp } from "firebase-admin/firestore";
import { repoRoot } from "../../dev/stack-config";
import type { ApiKeyStatus } from "../../functions/src/contract";
import { rewrapApiKeys as rewrapJob } from "../../functions/src/jobs/rewrap-api-keys";
import { createKmsClient, kmsKeyWrapper, kmsPrimaryVersion, kmsVersionState, rewrapKms } from "../../functions/src/vault/kms-key-wrapper";
import { rewrapApiKeys, type RewrapCounts } from "../../functions/src/vault/rewrap";
import { crc32c } from "../../functions/src/vault/crc32c";
import { adminDb } from "../support/admin";
import { generateRequestsFor, questionsRequest, useParams, userWithKey, type AiCaller } from "../support/ai";
import { disposeClients, keyStatusOf } from "../support/firebase-client";
import { geminiStandIn, localKms } from "../support/hooks";
import { closeKmsAdmin, kmsAdmin, primaryVersion, rotateFunctionsKey, setVersionState } from "../support/kms";
import { loadStackConfig } from "../../dev/stack-config";

const keyName = loadStackConfig().kmsKeyName;
const keyDoc = (uid: string) => adminDb().doc(`apiKeys/${uid}/providers/googleai`);

interface StoredEnvelope {
  kmsKeyVersion: string;
  wrappedDataKey: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}
const envelopeOf = async (uid: string) => (await keyDoc(uid).get()).get("envelope") as StoredEnvelope;
/** The user's re-wrap events, oldest first (a query without an order returns documents in id order, which is random). */
const rewrapEventsOf = async (uid: string) =>
  (await adminDb().collection("apiKeyAudit").where("uid", "==", uid).where("event", "==", "rewrap").get()).docs
    .sort((a, b) => (a.get("at") as Timestamp).toMillis() - (b.get("at") as Timestamp).toMillis())
    .map((d) => String(d.get("outcome")));

/**
 * `npm run keys:rewrap` as an operator runs it beside `npm start`: from a second terminal, whose shell has
 * none of the emulators' variables (not this test runner's environment, which has them all). Async,
 * because the local KMS it calls lives in this process.
 */
function runRewrapCommand(...args: string[]): Promise<{ code: number; output: string }> {
  const operatorShell = { PATH: process.env.PATH, HOME: process.env.HOME };
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "keys:rewrap", "--", ...args], { cwd: repoRoot, env: operatorShell });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The counts line the command prints. */
function countsIn(output: string) {
  const match = /scanned (\d+), re-wrapped (\d+), already current (\d+), skipped (\d+), failed (\d+), recovered (\d+), unreadable (\d+) \((\d+) KMS calls\)/.exec(output);
  assert.ok(match, `no counts line in:\n${output}`);
  const [scanned, rewrapped, alreadyCurrent, skipped, failed, recovered, unreadable, kmsCalls] = match.slice(1).map(Number);
  return { scanned, rewrapped, alreadyCurrent, skipped, failed, recovered, unreadable, kmsCalls };
}

/** The job's code in this process, on the real KMS client and the Firestore emulator. */
async function rewrapInProcess(maxKmsCalls: number): Promise<RewrapCounts> {
  const client = createKmsClient();
  try {
    return await rewrapApiKeys(adminDb(), rewrapKms(client, keyName), { maxKmsCalls });
  } finally {
    await client.close();
  }
}

const questionsFor = (user: AiCaller) => user.call("generateQuestions", questionsRequest(user));

describe("re-wrap: moving stored keys to the current KMS key version", function () {
  this.timeout(180_000);
  useParams({}); // for the scheduled function run in this process
  afterEach(() => geminiStandIn().reset());
  after(async () => {
    await disposeClients();
    await closeKmsAdmin();
  });

  it("npm run keys:rewrap: after a rotation and a re-wrap, the old version can be disabled and every key still works", async () => {
    const oldVersion = await rotateFunctionsKey();
    const before = [await userWithKey(), await userWithKey()];
    const newVersion = await rotateFunctionsKey();
    const after = [await userWithKey(), await userWithKey()];
    const oldEnvelopes = await Promise.all(before.map((user) => envelopeOf(user.uid)));
    for (const envelope of oldEnvelopes) assert.equal(envelope.kmsKeyVersion, oldVersion);
    for (const user of after) assert.equal((await envelopeOf(user.uid)).kmsKeyVersion, newVersion);
    const statusesBefore = await Promise.all(before.map((user) => keyStatusOf(user)));

    const run = await runRewrapCommand("--max-kms-calls", "100000");
    assert.equal(run.code, 0, run.output);
    assert.doesNotMatch(run.output, /refused/);
    assert.match(run.output, new RegExp(`Primary version: ${newVersion}`));
    assert.match(run.output, /emulators: Firestore 127\.0\.0\.1:\d+, KMS 127\.0\.0\.1:\d+/);
    const counts = countsIn(run.output);
    assert.ok(counts.rewrapped >= before.length, `re-wrapped ${counts.rewrapped}`);
    assert.ok(counts.alreadyCurrent >= after.length);
    assert.equal(counts.failed, 0);
    assert.equal(counts.unreadable, 0);
    assert.match(run.output, new RegExp(`Safe to disable every version but ${newVersion}`));
    assert.equal(counts.scanned, counts.rewrapped + counts.alreadyCurrent + counts.skipped + counts.failed + counts.recovered + counts.unreadable);
    assert.ok(counts.kmsCalls <= 1 + 2 * counts.rewrapped + 2 * counts.skipped, "two KMS calls per record moved, none for current ones");

    for (const [index, user] of before.entries()) {
      const envelope = await envelopeOf(user.uid);
      assert.equal(envelope.kmsKeyVersion, newVersion);
      assert.notDeepEqual(Buffer.from(envelope.wrappedDataKey), Buffer.from(oldEnvelopes[index].wrappedDataKey));
      assert.deepEqual(Buffer.from(envelope.ciphertext), Buffer.from(oldEnvelopes[index].ciphertext), "the API key's ciphertext is untouched");
      assert.deepEqual(Buffer.from(envelope.iv), Buffer.from(oldEnvelopes[index].iv));
      assert.deepEqual(await keyStatusOf(user), statusesBefore[index], "nothing the user sees changes");
      assert.deepEqual(await rewrapEventsOf(user.uid), ["rewrapped"]);
    }
    for (const user of after) assert.deepEqual(await rewrapEventsOf(user.uid), []);

    await setVersionState(oldVersion, "DISABLED");
    try {
      // The old version really is unusable now: what the records held before no longer decrypts.
      const old = Buffer.from(oldEnvelopes[0].wrappedDataKey);
      await assert.rejects(kmsAdmin().decrypt({ name: keyName, ciphertext: old, ciphertextCrc32c: { value: crc32c(old) } }), {
        code: grpcStatus.FAILED_PRECONDITION,
      });
      for (const user of [...before, ...after]) {
        await questionsFor(user);
        assert.equal(generateRequestsFor(user).at(-1)?.apiKey, user.apiKey, "Gemini got exactly this user's key");
        assert.equal((await keyStatusOf(user)).state, "active");
      }

      // Idempotent: a second run moves nothing of these users and spends no KMS call on them.
      const again = await runRewrapCommand("--max-kms-calls", "100000");
      assert.equal(again.code, 0, again.output);
      assert.equal(countsIn(again.output).rewrapped, 0);
      for (const user of before) assert.deepEqual(await rewrapEventsOf(user.uid), ["rewrapped"]);
    } finally {
      await setVersionState(oldVersion, "ENABLED");
    }
  });

  it("is bounded in KMS calls per run and resumable: runs continue where the last stopped until the pass is complete", async () => {
    await rotateFunctionsKey();
    const users = await Promise.all(Array.from({ length: 6 }, () => userWithKey()));
    await rotateFunctionsKey();
    const primary = await primaryVersion();
    const maxKmsCalls = 5; // the lookup and two records

    const runs: RewrapCounts[] = [];
    for (let run = 0; run < 1_000 && !runs.at(-1)?.passComplete; run++) {
      const kmsBefore = localKms().callCount("*");
      const counts = await rewrapInProcess(maxKmsCalls);
      assert.ok(localKms().callCount("*") - kmsBefore <= maxKmsCalls, "a run never makes more KMS calls than its bound");
      assert.equal(counts.kmsCalls, localKms().callCount("*") - kmsBefore);
      assert.ok(counts.rewrapped <= 2);
      runs.push(counts);
    }
    assert.ok(runs.length >= 3, "six stale records need at least three bounded runs");
    assert.equal(runs.at(-1)?.passComplete, true);
    assert.ok(runs.slice(0, -1).every((counts) => !counts.passComplete));
    for (const user of users) assert.equal((await envelopeOf(user.uid)).kmsKeyVersion, primary);
    for (const user of users) assert.deepEqual(await rewrapEventsOf(user.uid), ["rewrapped"], "each record re-wrapped exactly once across the runs");
  });

  it("never clobbers a key replaced while the job was running (write-back only if keyId is unchanged)", async () => {
    await rotateFunctionsKey();
    const user = await userWithKey();
    await rotateFunctionsKey();
    const client = createKmsClient();
    const realWrapper = kmsKeyWrapper(client, keyName);
    let replacement: ApiKeyStatus | undefined;
    try {
      const counts = await rewrapApiKeys(
        adminDb(),
        {
          primaryVersion: () => kmsPrimaryVersion(client, keyName),
          versionState: (version) => kmsVersionState(client, version),
          wrapper: {
            unwrap: (wrappedDataKey, aad) => realWrapper.unwrap(wrappedDataKey, aad),
            // The user saves a new key between the job's decrypt and its write-back.
            async wrap(dataKey, aad) {
              if (aad.toString().endsWith(user.uid) && !replacement) {
                replacement = (await user.call<{ status: ApiKeyStatus }>("setApiKey", { apiKey: user.apiKey.slice(0, -1) + "Z", verify: false })).status;
              }
              return realWrapper.wrap(dataKey, aad);
            },
          },
        },
        { maxKmsCalls: 100_000 },
      );
      assert.ok(counts.skipped >= 1);
    } finally {
      await client.close();
    }
    assert.ok(replacement);
    assert.deepEqual(await keyStatusOf(user), replacement);
    assert.deepEqual(await rewrapEventsOf(user.uid), []);
    await questionsFor(user);
    assert.equal(generateRequestsFor(user).at(-1)?.apiKey, user.apiKey.slice(0, -1) + "Z");
  });

  it("marks a record whose version was disabled before the re-wrap as unreadable, counts it failed, and skips it afterwards", async () => {
    const doomed = await rotateFunctionsKey();
    const user = await userWithKey();
    await rotateFunctionsKey();
    await setVersionState(doomed, "DISABLED");
    try {
      const first = await rewrapInProcess(100_000);
      assert.ok(first.failed >= 1);
      assert.equal((await keyStatusOf(user)).state, "unreadable");
      assert.deepEqual(await rewrapEventsOf(user.uid), ["unreadable"]);
      const second = await rewrapInProcess(100_000);
      assert.equal(second.failed, 0, "an unreadable record costs nothing on later runs");
    } finally {
      await setVersionState(doomed, "ENABLED");
    }
  });

  it("recovers a record found unreadable while its version was briefly disabled, once the version is enabled again, before the old version is disabled for good", async () => {
    const briefly = await rotateFunctionsKey();
    const user = await userWithKey();
    await rotateFunctionsKey();
    const primary = await primaryVersion();
    await setVersionState(briefly, "DISABLED");
    try {
      await rewrapInProcess(100_000);
      assert.equal((await keyStatusOf(user)).state, "unreadable");
    } finally {
      await setVersionState(briefly, "ENABLED");
    }

    // The version is back: the next run must bring the record over, not count it as done with.
    const counts = await rewrapInProcess(100_000);
    assert.ok(counts.recovered >= 1, `recovered ${counts.recovered}`);
    assert.equal(counts.failed, 0);
    assert.ok(!counts.unreadableVersions.includes(briefly));
    assert.equal((await envelopeOf(user.uid)).kmsKeyVersion, primary);
    assert.equal((await keyStatusOf(user)).state, "unverified", "readable again, not claimed checked");
    assert.deepEqual(await rewrapEventsOf(user.uid), ["unreadable", "recovered"]);

    // What the operator does next on "failed 0": disable the old version. The user's key still works.
    await setVersionState(briefly, "DISABLED");
    try {
      await questionsFor(user);
      assert.equal(generateRequestsFor(user).at(-1)?.apiKey, user.apiKey, "Gemini got exactly this user's key");
      assert.equal((await keyStatusOf(user)).state, "active");
    } finally {
      await setVersionState(briefly, "ENABLED");
    }
  });

  it("counts a record unreadable under a version that is disabled but not destroyed as unreadable, and says it is not yet safe to disable", async () => {
    const disabled = await rotateFunctionsKey();
    const user = await userWithKey();
    await rotateFunctionsKey();
    await setVersionState(disabled, "DISABLED");
    try {
      await rewrapInProcess(100_000);
      assert.equal((await keyStatusOf(user)).state, "unreadable");
      const kmsBefore = localKms().callCount("*");
      const counts = await rewrapInProcess(100_000);
      assert.equal(counts.kmsCalls, localKms().callCount("*") - kmsBefore);
      assert.ok(counts.unreadable >= 1);
      assert.ok(counts.unreadableVersions.includes(disabled));
      assert.equal((await envelopeOf(user.uid)).kmsKeyVersion, disabled, "nothing moved");

      const run = await runRewrapCommand("--max-kms-calls", "100000");
      assert.equal(run.code, 1, run.output);
      assert.ok(countsIn(run.output).unreadable >= 1);
      assert.ok(run.output.includes(`under a version that is not enabled but still exists: `) && run.output.includes(disabled), run.output);
      assert.match(run.output, /Not yet safe to disable the old versions/);
    } finally {
      await setVersionState(disabled, "ENABLED");
    }
    // Enabled again: recovered (and so out of the way of the other tests' runs).
    assert.ok((await rewrapInProcess(100_000)).recovered >= 1);
    assert.equal((await keyStatusOf(user)).state, "unverified");
  });

  it("runs as the scheduled function rewrapApiKeys with the same code", async () => {
    await rotateFunctionsKey();
    const user = await userWithKey();
    const primary = await rotateFunctionsKey();
    await rewrapJob.run({ scheduleTime: new Date().toISOString() });
    assert.equal((await envelopeOf(user.uid)).kmsKeyVersion, primary);
  });
});
