import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generateQuestions } from "../../functions/src/callables/generate-questions";
import { setApiKey } from "../../functions/src/callables/set-api-key";
import type { GenerateFeedbackResult, GenerateQuestionsResult } from "../../functions/src/contract";
import type { PracticeDocument } from "../../functions/src/practices/schemas";
import { allPractices, deleteAllPractices, deletePractice, historyExport, practiceById, practicePage } from "../../web/src/features/history/history-store";
import { adminDb } from "../support/admin";
import { callInProcess, generateRequestsFor, useParams } from "../support/ai";
import { assertCallFails, disposeClients, signUpNewUser } from "../support/firebase-client";
import { geminiStandIn } from "../support/hooks";
import { startEmulatorWorkers } from "../support/emulator-workers";
import { fakeGeminiKey } from "../support/keys";
import { waitUntil } from "../support/wait";
import type { Timestamp } from "firebase-admin/firestore";

/**
 * Practice history through the emulators: the AI callables save each practice in the call itself, the
 * owner reads and deletes it with the web app's own Firestore code (firebase/firestore/lite, under
 * firestore.rules), nobody else can, and it is bounded by retention, a per-user cap and the account.
 */

type Stored = PracticeDocument<Timestamp>;
const dayMs = 86_400_000;

async function userWithKey() {
  const user = await signUpNewUser();
  await user.call("setApiKey", { apiKey: fakeGeminiKey(), verify: false });
  return { ...user, tag: `history-${randomUUID().slice(0, 8)}` };
}

const setup = (tag: string) => ({ jobTitle: `Data engineer (${tag})`, interviewType: "technical", seniority: "senior", count: 2 });
const answersTo = (questions: GenerateQuestionsResult["questions"], answer: string) =>
  questions.map((question) => ({ questionId: question.id, question: question.text, answer }));
const stored = async (uid: string, practiceId: string) => (await adminDb().doc(`users/${uid}/practices/${practiceId}`).get()).data() as Stored | undefined;
const practiceCount = async (uid: string) => (await adminDb().collection(`users/${uid}/practices`).count().get()).data().count;

describe("practice history", function () {
  this.timeout(120_000);
  afterEach(() => geminiStandIn().reset());
  after(disposeClients);
  before(async function () {
    this.timeout(300_000);
    await startEmulatorWorkers(["setApiKey", "generateQuestions", "generateFeedback", "setHistoryRetention"]);
  });

  it("generateQuestions saves a practice, not finished yet, and generateFeedback adds each attempt to it", async () => {
    const user = await userWithKey();
    const questions = await user.call<GenerateQuestionsResult>("generateQuestions", setup(user.tag));
    assert.match(questions.practiceId ?? "", /^[A-Za-z0-9]{20}$/);
    const practiceId = questions.practiceId!;

    const begun = (await stored(user.uid, practiceId))!;
    assert.equal(begun.jobTitle, `Data engineer (${user.tag})`);
    assert.equal(begun.interviewType, "technical");
    assert.equal(begun.seniority, "senior");
    assert.deepEqual(begun.questions.map((q) => [q.id, q.text]), questions.questions.map((q) => [q.id, q.text]));
    assert.deepEqual([begun.provider, begun.model, begun.keySource], ["googleai", "gemini-flash-latest", "user"]);
    assert.equal(begun.overallScore, null, "not finished: no feedback yet");
    assert.deepEqual(begun.attempts, []);

    const first = await user.call<GenerateFeedbackResult>("generateFeedback", {
      jobTitle: begun.jobTitle,
      practiceId,
      items: answersTo(questions.questions, "First try: I would shard by customer."),
      provider: "googleai",
    });
    assert.equal(first.practiceId, practiceId);
    const revised = await user.call<GenerateFeedbackResult>("generateFeedback", {
      jobTitle: begun.jobTitle,
      practiceId,
      items: answersTo(questions.questions, "Revised: shard by customer, and measure the hot keys first."),
    });
    assert.equal(revised.practiceId, practiceId);

    const done = (await stored(user.uid, practiceId))!;
    assert.equal(done.attempts.length, 2, "the revision is a new attempt; the first is kept");
    assert.equal(done.attempts[0].answers[0].answer, "First try: I would shard by customer.");
    assert.equal(done.attempts[1].answers[0].answer, "Revised: shard by customer, and measure the hot keys first.");
    assert.deepEqual(done.attempts[0].feedback, { overallScore: first.overallScore, summary: first.summary, items: JSON.parse(JSON.stringify(first.items)) as unknown });
    assert.equal(done.attempts[1].feedback.summary, revised.summary, "the stored feedback is the one the AI gave");
    assert.equal(done.overallScore, revised.overallScore, "the list shows the latest attempt's score");
    assert.deepEqual([done.feedbackProvider, done.feedbackModel], ["googleai", "gemini-flash-latest"]);
    assert.ok(done.completedAt && done.completedAt.toMillis() >= done.createdAt.toMillis());
    assert.equal(await practiceCount(user.uid), 1);
  });

  it("generateFeedback without a practice begins one from the answers", async () => {
    const user = await userWithKey();
    const items = [{ question: `Why this team? (${user.tag})`, answer: "Because of its on-call culture." }];
    const result = await user.call<GenerateFeedbackResult>("generateFeedback", { jobTitle: `SRE (${user.tag})`, items });
    const practice = (await stored(user.uid, result.practiceId!))!;
    assert.equal(practice.interviewType, null);
    assert.deepEqual(practice.questions, [{ id: "q1", text: items[0].question }]);
    assert.equal(practice.attempts.length, 1);
    assert.equal(practice.overallScore, result.overallScore);
  });

  it("lets the owner read their practices with the client SDK, newest first a page at a time, and nobody else", async () => {
    const user = await userWithKey();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await user.call<GenerateQuestionsResult>("generateQuestions", { ...setup(`${user.tag}-${n}`), count: 1 })).practiceId!);

    const db = user.firestore();
    const first = await practicePage(db, user.uid, 2);
    assert.deepEqual(first.practices.map((p) => p.id), [ids[2], ids[1]]);
    const second = await practicePage(db, user.uid, 2, first.next);
    assert.deepEqual(second.practices.map((p) => p.id), [ids[0]]);
    assert.equal(second.next, undefined);
    assert.equal((await practiceById(db, user.uid, ids[0]))?.jobTitle, `Data engineer (${user.tag}-1)`);

    const intruder = await signUpNewUser();
    for (const attempt of [practiceById(intruder.firestore(), user.uid, ids[0]), practicePage(intruder.firestore(), user.uid, 10), deletePractice(intruder.firestore(), user.uid, ids[0])]) {
      const error = await attempt.then(() => undefined, (e: unknown) => e);
      assert.equal((error as { code?: string } | undefined)?.code, "permission-denied", `expected permission-denied, got ${String(error)}`);
    }
    assert.equal(await practiceCount(user.uid), 3, "the intruder deleted nothing");
  });

  it("refuses feedback on a practice that is not the caller's, or unknown, before the provider is asked, and writes nothing", async () => {
    const owner = await userWithKey();
    const { practiceId } = await owner.call<GenerateQuestionsResult>("generateQuestions", setup(owner.tag));
    const before = await stored(owner.uid, practiceId!);
    const other = await userWithKey();
    geminiStandIn().reset();
    const items = [{ question: "Why us?", answer: `Because. (${other.tag})` }];

    for (const named of [practiceId!, "NoSuchPractice0000000"]) {
      const error = await assertCallFails(other.call("generateFeedback", { jobTitle: "PM", items, practiceId: named }), { code: "not-found", reason: "PRACTICE_NOT_FOUND" });
      assert.match(error.message, /no longer in your history/);
    }
    await assertCallFails(other.call("generateFeedback", { jobTitle: "PM", items, practiceId: "../../apiKeys/x" }), { code: "invalid-argument", reason: "INVALID_INPUT" });
    assert.equal(generateRequestsFor(other).length, 0, "the provider was not asked");
    assert.equal(await practiceCount(other.uid), 0, "nothing was saved for the caller");
    assert.deepEqual(await stored(owner.uid, practiceId!), before, "the owner's practice is unchanged");
  });

  it("deletes one practice, then all, as the owner, with the web app's calls", async () => {
    const user = await userWithKey();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await user.call<GenerateQuestionsResult>("generateQuestions", { ...setup(`${user.tag}-${n}`), count: 1 })).practiceId!);
    const db = user.firestore();
    await deletePractice(db, user.uid, ids[1]);
    assert.deepEqual((await allPractices(db, user.uid)).map((p) => p.id), [ids[2], ids[0]]);
    assert.equal(await deleteAllPractices(db, user.uid), 2);
    assert.equal(await practiceCount(user.uid), 0);
  });

  it("exports every practice, with its attempts, as one JSON document", async () => {
    const user = await userWithKey();
    const questions = await user.call<GenerateQuestionsResult>("generateQuestions", setup(user.tag));
    const feedback = await user.call<GenerateFeedbackResult>("generateFeedback", {
      jobTitle: "x",
      practiceId: questions.practiceId,
      items: answersTo(questions.questions, "An answer to export."),
    });
    await user.call<GenerateQuestionsResult>("generateQuestions", { ...setup(`${user.tag}-2`), count: 1 });

    const exported = JSON.parse(await historyExport(user.firestore(), user.uid, new Date("2026-12-01T00:00:00Z"))) as {
      format: string;
      exportedAt: string;
      practices: Array<{ id: string; createdAt: string; attempts: Array<{ answers: Array<{ answer: string }>; feedback: { overallScore: number }; completedAt: string }> }>;
    };
    assert.equal(exported.format, "interview-ai-history/1");
    assert.equal(exported.exportedAt, "2026-12-01T00:00:00.000Z");
    assert.equal(exported.practices.length, 2);
    const practice = exported.practices.find((p) => p.id === questions.practiceId)!;
    assert.equal(practice.attempts[0].answers[0].answer, "An answer to export.");
    assert.equal(practice.attempts[0].feedback.overallScore, feedback.overallScore);
    assert.match(practice.createdAt, /^\d{4}-\d\d-\d\dT/, "times are ISO strings");
    assert.match(practice.attempts[0].completedAt, /^\d{4}-\d\d-\d\dT/);
  });

  it("keeps practices 365 days unless the user chooses otherwise; the choice sets expireAt on every practice", async () => {
    const user = await userWithKey();
    const { practiceId } = await user.call<GenerateQuestionsResult>("generateQuestions", setup(user.tag));
    const expiry = async () => {
      const practice = (await stored(user.uid, practiceId!))!;
      return practice.expireAt === undefined ? null : Math.round((practice.expireAt.toMillis() - practice.updatedAt.toMillis()) / dayMs);
    };
    assert.deepEqual(await user.call("setHistoryRetention", {}), { retentionDays: 365 });
    assert.equal(await expiry(), 365);

    assert.deepEqual(await user.call("setHistoryRetention", { retentionDays: 30 }), { retentionDays: 30 });
    assert.equal(await expiry(), 30);
    const { practiceId: newer } = await user.call<GenerateQuestionsResult>("generateQuestions", { ...setup(user.tag), count: 1 });
    const newPractice = (await stored(user.uid, newer!))!;
    assert.equal(Math.round((newPractice.expireAt!.toMillis() - newPractice.createdAt.toMillis()) / dayMs), 30);

    await user.call("setHistoryRetention", { retentionDays: null });
    assert.equal(await expiry(), null, "kept without limit: no TTL field");
    assert.deepEqual(await user.call("setHistoryRetention", {}), { retentionDays: null });

    for (const retentionDays of [7, "30", 0]) {
      await assertCallFails(user.call("setHistoryRetention", { retentionDays }), { code: "invalid-argument", reason: "INVALID_INPUT" });
    }
    assert.deepEqual(await user.call("setHistoryRetention", {}), { retentionDays: null }, "a refused choice changes nothing");
  });

  it("removes the history with the account", async () => {
    const user = await userWithKey();
    await user.call<GenerateQuestionsResult>("generateQuestions", { ...setup(user.tag), count: 1 });
    await user.call("setHistoryRetention", { retentionDays: 90 });
    assert.equal(await practiceCount(user.uid), 1);

    await user.deleteAccount();

    await waitUntil("the deleted user's practices are gone", async () => (await practiceCount(user.uid)) === 0);
    await waitUntil("and their history settings", async () => !(await adminDb().doc(`users/${user.uid}`).get()).exists);
  });

  describe("with PRACTICE_HISTORY_LIMIT=3 (handlers in this process, against the Firestore emulator)", () => {
    useParams({ PRACTICE_HISTORY_LIMIT: "3" });

    it("keeps the newest three practices: each new one beyond the limit deletes the oldest", async () => {
      const uid = `history-cap-${randomUUID()}`;
      await callInProcess(setApiKey, uid, { apiKey: fakeGeminiKey(), verify: false });
      const ids: string[] = [];
      for (const n of [1, 2, 3, 4, 5]) {
        ids.push((await callInProcess<GenerateQuestionsResult>(generateQuestions, uid, { ...setup(`cap-${n}`), count: 1 })).practiceId!);
      }
      const left = await adminDb().collection(`users/${uid}/practices`).orderBy("createdAt", "asc").get();
      assert.deepEqual(left.docs.map((d) => d.id), ids.slice(2));
    });
  });
});
