import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { GenkitError } from "genkit";
import { toJsonSchema } from "genkit/schema";
import { ai } from "../../functions/src/ai/genkit";
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

  it("the OpenAI and Anthropic adapters make the strict form of an output schema once, though Genkit hands them a copy each call", () => {
    const schema = toJsonSchema({ schema: questionsAnswerSchema(2) }) as Record<string, unknown>;
    // Genkit deep-copies every model request (stripUndefinedProps), so each call brings an equal, new schema object.
    const request = () => ({ messages: [{ role: "user" as const, content: [{ text: "Hi" }] }], output: { format: "json", schema: structuredClone(schema) } });
    const openAiSchema = (body: ReturnType<typeof chatCompletionBody>) => (body.response_format as { json_schema: { schema: unknown } }).json_schema.schema;
    const call = { model: "gpt-6-luna", maxOutputTokens: 100 };
    assert.equal(openAiSchema(chatCompletionBody(request(), call)), openAiSchema(chatCompletionBody(request(), call)));
    assert.equal(outputFormatOf(request())!.schema, outputFormatOf(request())!.schema);
    assert.equal(outputFormatOf(request())!.schema.type, "object");
    // Another schema gets its own form.
    const other = { ...request(), output: { format: "json", schema: toJsonSchema({ schema: questionsAnswerSchema(3) }) as Record<string, unknown> } };
    assert.notEqual(outputFormatOf(other)!.schema, outputFormatOf(request())!.schema);
  });

  it("Genkit checks each answer against its schema without compiling a validator per call", async () => {
    // Genkit's own Ajv (the copy @genkit-ai/core loads), watched for compilations.
    const genkitRequire = createRequire(require.resolve("@genkit-ai/core"));
    const Ajv = genkitRequire("ajv") as { prototype: { compile: (...args: unknown[]) => unknown } };
    const compile = Ajv.prototype.compile;
    let compiled = 0;
    Ajv.prototype.compile = function (this: unknown, ...args: unknown[]) {
      compiled += 1;
      return compile.apply(this, args);
    };
    let answer = JSON.stringify({ questions: [{ text: "Why?", category: "technical", rationale: "Depth." }] });
    const model = ai.defineModel({ name: "per-call-caches/echo", supports: { output: ["json"], constrained: "all" } }, () =>
      Promise.resolve({ message: { role: "model", content: [{ text: answer }] }, finishReason: "stop" }),
    );
    const schema = questionsAnswerSchema(1);
    try {
      await ai.generate({ model, prompt: "One question", output: { schema } }); // the first call may prepare what it keeps
      compiled = 0;
      for (let call = 0; call < 3; call += 1) {
        const response = await ai.generate({ model, prompt: "One question", output: { schema } });
        assert.equal((response.output as { questions: unknown[] }).questions.length, 1);
      }
      assert.equal(compiled, 0, "validators compiled by warm calls");
      // Still checked: an answer of the wrong shape is refused.
      answer = JSON.stringify({ questions: [{ text: "" }] });
      await assert.rejects(ai.generate({ model, prompt: "One question", output: { schema } }), (error) => error instanceof GenkitError && error.status === "INVALID_ARGUMENT");
    } finally {
      Ajv.prototype.compile = compile;
    }
  });
});
