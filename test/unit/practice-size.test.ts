import assert from "node:assert/strict";
import { inputLimits } from "../../functions/src/ai/input-limits";
import { attemptsToKeep, documentSize, fieldSize, firestoreDocumentLimit, maxAttemptsKept, practiceSizeBudget } from "../../functions/src/practices/document-size";

/**
 * A practice document's size, worst case: every string at the longest the input limits and the output
 * schemas (functions/src/ai/schemas.ts) allow, in a character UTF-8 stores in 3 bytes (the most a single
 * UTF-16 unit can take; a 4-byte character counts as 2 units against the limits).
 */
const wide = (units: number) => "€".repeat(units);
const path = `users/${"u".repeat(128)}/practices/${"p".repeat(20)}`;
const time = new Date();

const questions = Array.from({ length: inputLimits.questionCount.max }, (_, i) => ({
  id: `q${i}`.padEnd(64, "x"),
  text: wide(1_000),
  category: wide(100),
  rationale: wide(1_000),
}));
const worstAttempt = () => ({
  answers: Array.from({ length: inputLimits.feedbackItems }, (_, i) => ({ questionId: `q${i}`.padEnd(64, "x"), question: wide(inputLimits.question), answer: wide(inputLimits.answer) })),
  feedback: {
    overallScore: 100,
    summary: wide(2_000),
    items: Array.from({ length: 10 }, (_, i) => ({
      questionId: `q${i}`.padEnd(64, "x"),
      question: wide(1_000),
      score: 100,
      strengths: Array.from({ length: 5 }, () => wide(500)),
      improvements: Array.from({ length: 5 }, () => wide(500)),
    })),
  },
  provider: "anthropic",
  model: "m".repeat(100),
  keySource: "default",
  completedAt: time,
});
const practice = {
  jobTitle: wide(inputLimits.jobTitle),
  interviewType: "behavioral",
  seniority: "junior",
  questions,
  provider: "anthropic",
  model: "m".repeat(100),
  keySource: "default",
  createdAt: time,
  updatedAt: time,
  expireAt: time,
  overallScore: 100,
  completedAt: time,
  feedbackProvider: "anthropic",
  feedbackModel: "m".repeat(100),
};

describe("practice document size", () => {
  it("counts strings as UTF-8 bytes + 1, numbers and times as 8, maps with their keys", () => {
    assert.equal(fieldSize("abc"), 4);
    assert.equal(fieldSize("€"), 4);
    assert.equal(fieldSize({ a: 1, b: [true, null] }), 2 + 8 + 2 + 2);
    assert.equal(fieldSize({ at: time }), 3 + 8);
  });

  it("keeps the worst-case practice with its worst-case attempt far below Firestore's 1 MiB", () => {
    const one = documentSize(path, { ...practice, attempts: [worstAttempt()] });
    // Printed for docs/history.md.
    console.log(`      worst case: ${one} bytes with one attempt (${((one / firestoreDocumentLimit) * 100).toFixed(0)} % of 1 MiB)`);
    assert.ok(one < practiceSizeBudget, `${one} bytes`);
  });

  it("drops the oldest attempts to stay within half of 1 MiB, and keeps the newest always", () => {
    const attempts = Array.from({ length: 5 }, (_, i) => ({ ...worstAttempt(), marker: i }));
    const kept = attemptsToKeep(path, practice, attempts.slice(0, 4), attempts[4]);
    assert.deepEqual(kept.map((a) => a.marker), [4]);
    assert.ok(documentSize(path, { ...practice, attempts: kept }) <= practiceSizeBudget);

    const small = Array.from({ length: 30 }, (_, i) => ({ answers: [{ question: "Why?", answer: "Because." }], marker: i }));
    const keptSmall = attemptsToKeep(path, practice, small.slice(0, 29), small[29]);
    assert.equal(keptSmall.length, maxAttemptsKept);
    assert.deepEqual(keptSmall.map((a) => a.marker), small.slice(30 - maxAttemptsKept).map((a) => a.marker), "newest kept, in order");
  });
});
