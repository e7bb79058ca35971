import assert from "node:assert/strict";
import { GenerateFeedbackInputSchema, GenerateQuestionsInputSchema } from "../../functions/src/ai/schemas";
import { parseInput } from "../../functions/src/callables/request";
import { AppError } from "../../functions/src/errors";
import { fakeGeminiKey } from "../support/keys";

function rejects(schema: Parameters<typeof parseInput>[0], data: unknown): string {
  try {
    parseInput(schema, data);
  } catch (error) {
    assert.ok(error instanceof AppError && error.reason === "INVALID_INPUT", String(error));
    return error.message;
  }
  return assert.fail(`accepted ${JSON.stringify(data).slice(0, 80)}`);
}

describe("AI callable inputs", () => {
  const questions = { jobTitle: "Backend engineer", interviewType: "technical" };

  it("accepts a minimal questions request and defaults count to 5", () => {
    assert.deepEqual(parseInput(GenerateQuestionsInputSchema, questions), { ...questions, count: 5 });
  });

  it("bounds every questions field", () => {
    rejects(GenerateQuestionsInputSchema, { ...questions, jobDescription: "x".repeat(8_001) });
    rejects(GenerateQuestionsInputSchema, { ...questions, jobTitle: "x".repeat(201) });
    rejects(GenerateQuestionsInputSchema, { ...questions, jobTitle: "   " });
    rejects(GenerateQuestionsInputSchema, { ...questions, count: 11 });
    rejects(GenerateQuestionsInputSchema, { ...questions, count: 0 });
    rejects(GenerateQuestionsInputSchema, { ...questions, count: 2.5 });
    rejects(GenerateQuestionsInputSchema, { ...questions, interviewType: "casual" });
    rejects(GenerateQuestionsInputSchema, { ...questions, seniority: "principal" });
    rejects(GenerateQuestionsInputSchema, { ...questions, apiKey: "anything" });
    rejects(GenerateQuestionsInputSchema, { interviewType: "technical" });
  });

  it("bounds every feedback field", () => {
    const item = { question: "Tell me about a failure.", answer: "I once…" };
    assert.ok(parseInput(GenerateFeedbackInputSchema, { jobTitle: "PM", items: [item] }));
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: [] });
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: Array(11).fill(item) });
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: [{ ...item, answer: "x".repeat(4_001) }] });
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: [{ ...item, question: "x".repeat(1_001) }] });
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: [{ ...item, extra: true }] });
    rejects(GenerateFeedbackInputSchema, { jobTitle: "PM", items: "not a list" });
  });

  it("never echoes the offending value in the message", () => {
    const key = fakeGeminiKey();
    const message = rejects(GenerateQuestionsInputSchema, { ...questions, jobTitle: key.repeat(10) });
    assert.ok(!message.includes(key.slice(4, 20)), message);
  });
});
