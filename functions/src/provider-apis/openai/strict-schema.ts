/**
 * OpenAI's Structured Outputs enforce a schema only in strict mode (`strict: true`), which takes a
 * subset of JSON Schema: every object closed (`additionalProperties: false`) and listing every property
 * in `required`, no open maps, no tuples, no `allOf` / `not` / conditionals, the root an object. Genkit
 * derives our output schemas from zod and gives them open objects, optional properties and JSON-pointer
 * `$ref`s into sibling properties (a zod schema used twice). This module rewrites such a schema into the
 * strict subset and maps the answer back, so that it still validates against the original schema, which
 * Genkit checks again when it parses the answer.
 *
 * - An optional property becomes required and nullable: the model writes `null` for "absent", and
 *   `dropNullsOfOptionalProperties` removes those nulls from the answer again.
 * - `$ref`s are inlined (a recursive one cannot be, and the schema is then sent non-strict).
 * - Keywords the strict subset lacks and whose absence only loosens the schema (`uniqueItems`,
 *   `propertyNames`, min/maxProperties, …) are dropped; Genkit's validation still applies them.
 *   `oneOf` becomes `anyOf` for the same reason. Length, range, pattern and item-count keywords stay:
 *   the openai SDK's own strict normaliser (`openai/lib/transform`) treats them as supported.
 * - A schema that cannot be expressed (a map, a tuple, `allOf`, a non-object root, an untyped value)
 *   is sent as it is with `strict: false`: the model is asked for it, not held to it.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };
type SchemaObject = { [keyword: string]: unknown };

/** The `response_format.json_schema` fields this module decides. */
export interface ResponseSchema {
  schema: SchemaObject;
  strict: boolean;
}

class NotStrictable extends Error {}

/** Keywords strict mode does not take whose removal only loosens the schema. */
const droppedKeywords = [
  "$schema",
  "$id",
  "$comment",
  "uniqueItems",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "patternProperties",
  "contains",
  "minContains",
  "maxContains",
  "unevaluatedItems",
  "unevaluatedProperties",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
];

/** Keywords whose meaning strict mode cannot carry: the schema is sent non-strict. */
const unstrictableKeywords = ["allOf", "not", "if", "then", "else", "prefixItems", "additionalItems", "$dynamicRef", "$recursiveRef"];

const isSchemaObject = (value: unknown): value is SchemaObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Array.isArray, narrowing to unknown[] rather than any[]: a schema's arrays hold anything. */
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);

/** The members of the union keywords (`anyOf`, `oneOf`) of a schema. */
const unionBranches = (schema: SchemaObject): unknown[] => [schema.anyOf, schema.oneOf].flatMap((list) => (isArray(list) ? list : []));

/** A copy of `schema` without `keyword`. */
function without(schema: SchemaObject, keyword: string): SchemaObject {
  const copy = { ...schema };
  delete copy[keyword];
  return copy;
}

/** The strict form of `schema` when it has one, else the schema itself (without `$schema`) and `strict: false`. */
export function responseSchemaFor(schema: JsonSchema): ResponseSchema {
  try {
    const strictSchema = toStrict(schema, schema, []);
    if (!typesOf(strictSchema).includes("object") || typesOf(strictSchema).length !== 1 || strictSchema.anyOf !== undefined) {
      throw new NotStrictable();
    }
    return { schema: strictSchema, strict: true };
  } catch (error) {
    if (!(error instanceof NotStrictable)) throw error;
    return { schema: without(isSchemaObject(schema) ? schema : {}, "$schema"), strict: false };
  }
}

function toStrict(schema: unknown, root: JsonSchema, refsInProgress: readonly string[]): SchemaObject {
  if (!isSchemaObject(schema)) throw new NotStrictable();
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    if (refsInProgress.includes(ref)) throw new NotStrictable();
    const target = followRef(root, ref);
    // Draft 7 ignores a $ref's siblings but for annotations, which the target may lack.
    const annotations = Object.fromEntries(Object.entries(without(schema, "$ref")).filter(([keyword]) => keyword === "description" || keyword === "title"));
    return { ...toStrict(target, root, [...refsInProgress, ref]), ...annotations };
  }
  if (unstrictableKeywords.some((keyword) => schema[keyword] !== undefined)) throw new NotStrictable();

  const result: SchemaObject = { ...schema };
  for (const keyword of [...droppedKeywords, "$defs", "definitions"]) delete result[keyword];
  if (isArray(result.oneOf)) {
    result.anyOf = [...(isArray(result.anyOf) ? result.anyOf : []), ...result.oneOf];
    delete result.oneOf;
  }
  if (isArray(result.anyOf)) result.anyOf = result.anyOf.map((branch) => toStrict(branch, root, refsInProgress));

  const types = typesOf(result);
  if (types.includes("object") || result.properties !== undefined) {
    if (isSchemaObject(result.additionalProperties)) throw new NotStrictable(); // a map: keys the schema cannot name
    const properties = isSchemaObject(result.properties) ? result.properties : {};
    const required = new Set(isArray(result.required) ? result.required.map(String) : []);
    result.properties = Object.fromEntries(
      Object.entries(properties).map(([name, propertySchema]) => {
        const strictProperty = toStrict(propertySchema, root, refsInProgress);
        return [name, required.has(name) ? strictProperty : nullable(strictProperty)];
      }),
    );
    result.required = Object.keys(properties);
    result.additionalProperties = false;
    if (types.length === 0) result.type = "object";
  }
  if (types.includes("array") || result.items !== undefined) {
    if (!isSchemaObject(result.items)) throw new NotStrictable(); // a tuple, or an array of anything
    result.items = toStrict(result.items, root, refsInProgress);
    if (types.length === 0) result.type = "array";
  }
  const saysWhatItIs = typesOf(result).length > 0 || result.anyOf !== undefined || result.enum !== undefined || result.const !== undefined;
  if (!saysWhatItIs) throw new NotStrictable(); // any value at all: strict mode has no such schema
  return result;
}

/** `schema`, or a schema that also accepts null: `type: [t, "null"]` where it can say so, else `anyOf`. */
function nullable(schema: SchemaObject): SchemaObject {
  if (acceptsNull(schema)) return schema;
  const canWidenType = typeof schema.type === "string" && schema.enum === undefined && schema.const === undefined;
  return canWidenType ? { ...schema, type: [schema.type, "null"] } : { anyOf: [schema, { type: "null" }] };
}

function acceptsNull(schema: SchemaObject): boolean {
  if (typesOf(schema).includes("null")) return true;
  if (isArray(schema.enum) && schema.enum.includes(null)) return true;
  if ("const" in schema && schema.const === null) return true;
  return unionBranches(schema).some((branch) => isSchemaObject(branch) && acceptsNull(branch));
}

function typesOf(schema: SchemaObject): string[] {
  if (typeof schema.type === "string") return [schema.type];
  return isArray(schema.type) ? schema.type.map(String) : [];
}

/** Follows a local JSON pointer ("#/$defs/x", "#/properties/a/items") from the root schema. */
function followRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith("#")) throw new NotStrictable();
  let target: unknown = root;
  for (const token of ref.slice(1).split("/").filter((part) => part !== "")) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    target = isSchemaObject(target) || isArray(target) ? (target as Record<string, unknown>)[key] : undefined;
  }
  if (target === undefined) throw new NotStrictable();
  return target;
}

/**
 * The answer to a strict schema, as the original schema wants it: a `null` the model wrote for an
 * optional property that the original does not allow to be null is removed (the property is absent).
 * Anything else is left as it is; Genkit validates the result against the original schema.
 */
export function dropNullsOfOptionalProperties(value: unknown, schema: JsonSchema): unknown {
  return clean(value, schema, schema, 0);
}

const maxDepth = 64;

function clean(value: unknown, schema: unknown, root: JsonSchema, depth: number): unknown {
  const resolved = resolveRefs(schema, root);
  if (!resolved || depth > maxDepth) return value;
  if (isArray(value)) {
    const itemSchema = resolved.items ?? branchFor(resolved, "array", root)?.items;
    return itemSchema === undefined ? value : value.map((item) => clean(item, itemSchema, root, depth + 1));
  }
  if (!isSchemaObject(value)) return value;
  const objectSchema = resolved.properties !== undefined ? resolved : branchFor(resolved, "object", root);
  if (!objectSchema || !isSchemaObject(objectSchema.properties)) return value;
  const properties = objectSchema.properties;
  const required = new Set(isArray(objectSchema.required) ? objectSchema.required.map(String) : []);
  const result: Record<string, unknown> = {};
  for (const [name, propertyValue] of Object.entries(value)) {
    const propertySchema = properties[name];
    if (propertyValue === null && !required.has(name) && propertySchema !== undefined && !allowsNull(propertySchema, root)) continue;
    result[name] = propertySchema === undefined ? propertyValue : clean(propertyValue, propertySchema, root, depth + 1);
  }
  return result;
}

function resolveRefs(schema: unknown, root: JsonSchema): SchemaObject | undefined {
  let current = schema;
  for (let hops = 0; isSchemaObject(current) && typeof current.$ref === "string" && hops < 32; hops++) {
    try {
      current = followRef(root, current.$ref);
    } catch {
      return undefined;
    }
  }
  return isSchemaObject(current) ? current : undefined;
}

/** Of a union, the first branch describing values of `kind` ("object" or "array"). */
function branchFor(schema: SchemaObject, kind: "object" | "array", root: JsonSchema): SchemaObject | undefined {
  for (const branch of unionBranches(schema)) {
    const resolved = resolveRefs(branch, root);
    if (!resolved) continue;
    const describes = kind === "object" ? resolved.properties !== undefined : resolved.items !== undefined;
    if (typesOf(resolved).includes(kind) || describes) return resolved;
  }
  return undefined;
}

function allowsNull(schema: unknown, root: JsonSchema): boolean {
  if (schema === true) return true;
  const resolved = resolveRefs(schema, root);
  if (!resolved) return false;
  if (Object.keys(resolved).length === 0) return true;
  if (typesOf(resolved).includes("null")) return true;
  if (isArray(resolved.enum) && resolved.enum.includes(null)) return true;
  if ("const" in resolved && resolved.const === null) return true;
  return unionBranches(resolved).some((branch) => allowsNull(branch, root));
}
