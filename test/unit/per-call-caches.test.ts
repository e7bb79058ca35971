import assert from "node:assert/strict";
import { toJsonSchema } from "genkit/schema";
import { feedbackAnswerSchema, questionsAnswerSchema } from "../../functions/src/ai/schemas";
import { outputFormatOf } from "../../functions/src/provider-apis/anthropic/generate";
import { chatCompletionBody } from "../../functions/src/provider-apis/openai/generate";

/**
 * What does not change from call to call is made once (issue 21, the path before the provider): Genkit
 * keeps a zod schema's JSON Schema and its compiled validator per schema object, so the answer schema of
 * one size must be one object; the adapters' strict forms of a JSON Schema are kept per schema object.
 */
describe("per-call work made once", () => {
  it("the answer schema of one size is one object, so Genkit converts and compiles it once", () => {
    assert.equal(questionsAnswerSchema(3), questionsAnswerSchema(3));
    assert.equal(feedbackAnswerSchema(2), feedbackAnswerSchema(2));
    assert.notEqual(questionsAnswerSchema(3), questionsAnswerSchema(4));
    // Still exact: the size is in the schema.
    assert.equal(questionsAnswerSchema(3).safeParse({ questions: [] }).success, false);
    assert.equal(toJsonSchema({ schema: questionsAnswerSchema(5) }), toJsonSchema({ schema: questionsAnswerSchema(5) }));
  });

  it("the OpenAI and Anthropic adapters make the strict form of an output schema once per schema object", () => {
    const schema = toJsonSchema({ schema: questionsAnswerSchema(2) }) as Record<string, unknown>;
    const request = { messages: [{ role: "user" as const, content: [{ text: "Hi" }] }], output: { format: "json", schema } };
    const openAiSchema = (body: ReturnType<typeof chatCompletionBody>) => (body.response_format as { json_schema: { schema: unknown } }).json_schema.schema;
    const call = { model: "gpt-6-luna", maxOutputTokens: 100 };
    assert.equal(openAiSchema(chatCompletionBody(request, call)), openAiSchema(chatCompletionBody(request, call)));
    assert.equal(outputFormatOf(request)!.schema, outputFormatOf(request)!.schema);
    assert.equal(outputFormatOf(request)!.schema.type, "object");
  });
});
