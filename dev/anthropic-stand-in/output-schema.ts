/**
 * Structured output (`output_config.format: {type: "json_schema", schema}`): what Anthropic refuses in a
 * schema, and the schema a compliant model actually follows.
 *
 * Anthropic's grammar takes a subset of JSON Schema. Every object must say `additionalProperties: false`,
 * and numeric, string-length and most array-size constraints are refused with a 400 naming the keyword
 * (messages as reported by users of the API: docs/openai-anthropic-api.md). The official SDKs therefore
 * move such constraints into the description as `{minItems: 5, maxItems: 5}` (`transformJSONSchema`),
 * and the model reads them there; `followedSchema` puts them back, so the stand-in answers as a model
 * that honours its description.
 */

import type { JsonSchema } from "../gemini-stand-in/sample-from-schema";

type SchemaObject = { [keyword: string]: unknown };

const isSchemaObject = (value: unknown): value is SchemaObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Keywords Anthropic refuses, per the type they appear on. */
const unsupportedKeywords: Readonly<Record<string, readonly string[]>> = {
  integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  string: ["minLength", "maxLength"],
  array: ["maxItems", "uniqueItems"],
};

const prefix = "output_config.format.schema";

/** Subschemas of `schema`, one level down. */
function children(schema: SchemaObject): unknown[] {
  const nested: unknown[] = [];
  if (isSchemaObject(schema.properties)) nested.push(...Object.values(schema.properties));
  if (isSchemaObject(schema.$defs)) nested.push(...Object.values(schema.$defs));
  if (isSchemaObject(schema.definitions)) nested.push(...Object.values(schema.definitions));
  if (schema.items !== undefined) nested.push(...(Array.isArray(schema.items) ? (schema.items as unknown[]) : [schema.items]));
  for (const keyword of ["anyOf", "allOf", "oneOf", "prefixItems"]) {
    if (Array.isArray(schema[keyword])) nested.push(...(schema[keyword] as unknown[]));
  }
  return nested;
}

/** What Anthropic answers (a 400 message) for a schema it refuses, or undefined when it takes it. */
export function schemaProblem(schema: unknown): string | undefined {
  if (!isSchemaObject(schema)) return `${prefix}: Input should be a valid dictionary`;
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]).map(String) : typeof schema.type === "string" ? [schema.type] : [];
  if (types.includes("object") && schema.additionalProperties !== false) {
    return `${prefix}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  }
  for (const type of types) {
    const refused = (unsupportedKeywords[type] ?? []).find((keyword) => schema[keyword] !== undefined);
    if (refused) return `${prefix}: For '${type}' type, property '${refused}' is not supported`;
  }
  if (types.includes("array") && typeof schema.minItems === "number" && schema.minItems > 1) {
    return `${prefix}: For 'array' type, 'minItems' values other than 0 or 1 are not supported`;
  }
  for (const child of children(schema)) {
    const problem = isSchemaObject(child) ? schemaProblem(child) : undefined;
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The schema with the constraints its descriptions carry (`…\n\n{minItems: 5, maxItems: 5}`, as the
 * SDK's `transformJSONSchema` writes them) restored as keywords: what a model that reads its
 * descriptions produces.
 */
export function followedSchema(schema: JsonSchema): JsonSchema {
  if (!isSchemaObject(schema)) return schema;
  const followed: SchemaObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "properties" || keyword === "$defs" || keyword === "definitions") {
      followed[keyword] = isSchemaObject(value)
        ? Object.fromEntries(Object.entries(value).map(([name, child]) => [name, followedSchema(child as JsonSchema)]))
        : value;
    } else if (["items", "anyOf", "allOf", "oneOf", "prefixItems"].includes(keyword)) {
      followed[keyword] = Array.isArray(value) ? value.map((child) => followedSchema(child as JsonSchema)) : followedSchema(value as JsonSchema);
    } else {
      followed[keyword] = value;
    }
  }
  const described = typeof schema.description === "string" ? describedConstraints(schema.description) : undefined;
  return described ? { ...followed, ...described } : followed;
}

/** `{key: <json>, key: <json>}` at the end of a description, parsed; undefined when there is none. */
export function describedConstraints(description: string): SchemaObject | undefined {
  const start = description.startsWith("{") ? 0 : description.lastIndexOf("\n\n{") + 2;
  if (start === 1 || !description.endsWith("}")) return undefined;
  const inner = description.slice(start + 1, -1);
  const constraints: SchemaObject = {};
  let at = 0;
  while (at < inner.length) {
    const key = /^([A-Za-z_$][\w$]*): /.exec(inner.slice(at));
    if (!key) return undefined;
    at += key[0].length;
    const end = endOfJsonValue(inner, at);
    try {
      constraints[key[1]] = JSON.parse(inner.slice(at, end));
    } catch {
      return undefined;
    }
    at = end;
    if (inner.startsWith(", ", at)) at += 2;
    else if (at < inner.length) return undefined;
  }
  return constraints;
}

/** Where the JSON value starting at `start` ends: the first top-level comma outside a string, or the end. */
function endOfJsonValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "[" || character === "{") depth++;
    else if (character === "]" || character === "}") depth--;
    else if (character === "," && depth === 0) return index;
  }
  return text.length;
}
