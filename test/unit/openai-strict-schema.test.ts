import { z } from "genkit";
import { toJsonSchema, validateSchema } from "genkit/schema";
import assert from "node:assert/strict";
import { feedbackAnswerSchema, questionsAnswerSchema } from "../../functions/src/ai/schemas";
import { dropNullsOfOptionalProperties, responseSchemaFor, type JsonSchema } from "../../functions/src/provider-apis/openai/strict-schema";

/** The JSON schema Genkit sends for a zod output schema (open objects, optional keys, pointer $refs). */
const genkitSchema = (schema: z.ZodTypeAny) => toJsonSchema({ schema }) as Record<string, unknown>;

/** One node of a JSON schema, as these tests read it. */
interface SchemaNode {
  [keyword: string]: unknown;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** The node at `path` (keywords and property names) of a schema. */
function at(schema: unknown, ...path: string[]): SchemaNode {
  let node = schema;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as SchemaNode;
}

/** Every object in a strict schema is closed and requires all its properties, as OpenAI's strict mode demands. */
function assertStrict(node: SchemaNode | undefined, path = "<root>"): void {
  if (typeof node !== "object" || node === null) return;
  assert.equal(node.$ref, undefined, `${path}: no $ref left`);
  if (node.properties) {
    assert.equal(node.additionalProperties, false, `${path}: closed`);
    assert.deepEqual([...(node.required ?? [])].sort(), Object.keys(node.properties).sort(), `${path}: every property required`);
    for (const [key, child] of Object.entries(node.properties)) assertStrict(child, `${path}/${key}`);
  }
  if (node.items) assertStrict(node.items, `${path}/items`);
  for (const [index, branch] of (node.anyOf ?? []).entries()) assertStrict(branch, `${path}/anyOf/${index}`);
}

function assertValid(value: unknown, jsonSchema: unknown): void {
  const result = validateSchema(value, { jsonSchema: jsonSchema as Record<string, unknown> });
  assert.ok(result.valid, `does not satisfy the schema: ${JSON.stringify(result.errors)}\n${JSON.stringify(value)}`);
}

describe("OpenAI strict output schemas", () => {
  it("turns the questions schema strict: closed objects, every key required, the optional rationale nullable", () => {
    const original = genkitSchema(questionsAnswerSchema(2));
    const { schema, strict } = responseSchemaFor(original);

    assert.equal(strict, true);
    assertStrict(schema);
    assert.equal(schema.$schema, undefined);
    const question = at(schema, "properties", "questions", "items", "properties");
    assert.deepEqual(question.rationale, { type: ["string", "null"], maxLength: 1000 });
    assert.deepEqual(question.text, { type: "string", minLength: 1, maxLength: 1000 }, "length bounds stay: strict mode takes them");
    assert.equal(at(schema, "properties", "questions", "minItems"), 2);
  });

  it("inlines the feedback schema's pointer $refs (a zod schema used twice)", () => {
    const original = genkitSchema(feedbackAnswerSchema(1));
    assert.match(JSON.stringify(original), /"\$ref":"#\/properties\//, "Genkit's schema has pointer refs");
    const { schema, strict } = responseSchemaFor(original);

    assert.equal(strict, true);
    assertStrict(schema);
    const item = at(schema, "properties", "items", "items", "properties");
    assert.deepEqual(item.score, { type: "integer", minimum: 0, maximum: 100 });
    assert.deepEqual(item.improvements, item.strengths);
  });

  it("maps an answer with nulls for absent optional properties back to one the original schema accepts", () => {
    const original = genkitSchema(questionsAnswerSchema(2));
    const answer = {
      questions: [
        { text: "Tell me about a deadline.", category: "Delivery", rationale: "Tests prioritising." },
        { text: "Describe a disagreement.", category: "Teamwork", rationale: null },
      ],
    };
    assert.equal(validateSchema(answer, { jsonSchema: original }).valid, false, "null is not a string");

    const mapped = dropNullsOfOptionalProperties(answer, original) as typeof answer;
    assertValid(mapped, original);
    assert.equal(mapped.questions[0].rationale, "Tests prioritising.");
    assert.ok(!("rationale" in mapped.questions[1]));
  });

  it("keeps a null that the original schema allows, and nulls of required properties (Genkit then reports them)", () => {
    const original = genkitSchema(z.object({ note: z.string().nullable().optional(), title: z.string() }));
    const { schema } = responseSchemaFor(original);
    assert.deepEqual(at(schema, "properties", "note", "type"), ["string", "null"]);

    assert.deepEqual(dropNullsOfOptionalProperties({ note: null, title: null }, original as JsonSchema), { note: null, title: null });
  });

  it("makes enums and objects nullable with anyOf, and drops keywords strict mode lacks that only loosen", () => {
    const original = genkitSchema(
      z.object({
        level: z.enum(["easy", "hard"]).optional(),
        detail: z.object({ a: z.number() }).optional(),
        tags: z.array(z.string()),
      }),
    );
    at(original, "properties", "tags").uniqueItems = true;
    const { schema, strict } = responseSchemaFor(original);

    assert.equal(strict, true);
    assertStrict(schema);
    assert.deepEqual(at(schema, "properties", "level"), { anyOf: [{ type: "string", enum: ["easy", "hard"] }, { type: "null" }] });
    assert.deepEqual(at(schema, "properties", "detail", "type"), ["object", "null"]);
    assert.deepEqual(at(schema, "properties", "detail", "required"), ["a"]);
    assert.equal(at(schema, "properties", "tags", "uniqueItems"), undefined);
    assert.equal(at(original, "properties", "tags", "uniqueItems"), true, "the original is left as it was");
  });

  it("sends what strict mode cannot express non-strict: maps, tuples, allOf, untyped values, a non-object root", () => {
    const cases: Record<string, JsonSchema> = {
      map: genkitSchema(z.object({ scores: z.record(z.number()) })),
      tuple: { type: "object", properties: { pair: { type: "array", items: [{ type: "string" }, { type: "number" }] } } },
      allOf: { type: "object", allOf: [{ properties: { a: { type: "string" } } }] },
      untyped: genkitSchema(z.object({ anything: z.unknown() })),
      array: genkitSchema(z.array(z.string())),
      recursive: { type: "object", properties: { child: { $ref: "#" } } },
    };
    for (const [name, original] of Object.entries(cases)) {
      const { schema, strict } = responseSchemaFor(original);
      assert.equal(strict, false, name);
      assert.equal(schema.$schema, undefined, name);
    }
  });
});
