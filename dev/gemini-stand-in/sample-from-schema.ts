/**
 * Builds a value that satisfies the schema a generate request asks for, as a constrained model
 * would. Reads both forms Gemini accepts: `responseJsonSchema` (JSON Schema, what the Genkit plugin
 * sends by default) and `responseSchema` (the OpenAPI subset, types possibly upper-case).
 *
 * Honours type, const, enum, properties, required, propertyOrdering, items / prefixItems,
 * minItems / maxItems / uniqueItems, minimum / maximum (inclusive and exclusive), multipleOf,
 * minLength / maxLength, format (date-time, date, time, email, uri, uuid), local `$ref`, allOf,
 * anyOf / oneOf. It does not attempt `pattern`, which no plain-English sample could promise.
 */

import { createPhrasePicker, fitLength } from "./sample-text";

/** A JSON Schema or OpenAPI schema object; `true` / `false` are JSON Schema's boolean schemas. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

type SchemaObject = { [keyword: string]: unknown };

/** Arrays get this many items when the schema allows it: enough to look like a real list. */
const preferredItemCount = 3;

/** Recursive schemas stop growing here: optional properties are left out and arrays kept minimal. */
const maxDepth = 8;

const isSchemaObject = (value: unknown): value is SchemaObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Array.isArray, narrowing to unknown[] rather than any[]: a schema's arrays hold anything. */
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);

const numberOrUndefined = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** A small seeded generator (mulberry32), so one request always yields the same answer. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Follows a local `$ref` ("#/$defs/x", "#/properties/a/items", …) from the root schema. */
function followRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith("#")) return {};
  const tokens = ref
    .slice(1)
    .split("/")
    .filter((token) => token !== "")
    .map((token) => decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~"));
  let target: unknown = root;
  for (const token of tokens) {
    target = isSchemaObject(target) || isArray(target) ? (target as Record<string, unknown>)[token] : undefined;
  }
  return isSchemaObject(target) || typeof target === "boolean" ? target : {};
}

/**
 * Reduces a schema to one object without `$ref`, `allOf`, `anyOf` or `oneOf`: refs are followed,
 * allOf members merged, and of anyOf / oneOf the first branch that is not just `null` taken.
 */
function resolve(root: JsonSchema, schema: JsonSchema, hops = 0): SchemaObject {
  if (!isSchemaObject(schema) || hops > 32) return {};
  const { $ref, allOf, anyOf, oneOf, ...rest } = schema;
  let resolved: SchemaObject = rest;
  if (typeof $ref === "string") resolved = { ...resolve(root, followRef(root, $ref), hops + 1), ...resolved };
  for (const member of isArray(allOf) ? allOf : []) {
    const part = resolve(root, member as JsonSchema, hops + 1);
    resolved = {
      ...resolved,
      ...part,
      properties: { ...(resolved.properties as object), ...(part.properties as object) },
      required: [...(isArray(resolved.required) ? resolved.required : []), ...(isArray(part.required) ? part.required : [])],
    };
  }
  const branches = isArray(anyOf) ? anyOf : isArray(oneOf) ? oneOf : [];
  if (branches.length) {
    const chosen = branches.find((branch) => !(isSchemaObject(branch) && typeOf(resolve(root, branch, hops + 1)) === "null"));
    resolved = { ...resolve(root, (chosen ?? branches[0]) as JsonSchema, hops + 1), ...resolved };
  }
  return resolved;
}

/** The JSON type a resolved schema asks for, lower-case; inferred from its keywords when absent. */
function typeOf(schema: SchemaObject): string {
  const declared = isArray(schema.type)
    ? (schema.type.find((type) => String(type).toLowerCase() !== "null") ?? "null")
    : schema.type;
  if (typeof declared === "string") return declared.toLowerCase();
  if (schema.properties || schema.required) return "object";
  if (schema.items || schema.prefixItems) return "array";
  if (schema.minimum !== undefined || schema.maximum !== undefined) return "number";
  return "string";
}

/** A value satisfying `schema`; the same schema and seed always give the same value. */
export function sampleFromSchema(schema: JsonSchema, seed: number): unknown {
  const random = seededRandom(seed);
  const pickPhrase = createPhrasePicker(seed);

  const sample = (subschema: JsonSchema, names: readonly string[], depth: number): unknown => {
    const resolved = resolve(schema, subschema);
    if ("const" in resolved) return resolved.const;
    if (isArray(resolved.enum) && resolved.enum.length) {
      return resolved.enum[Math.floor(random() * resolved.enum.length)];
    }
    switch (typeOf(resolved)) {
      case "object":
        return sampleObject(resolved, names, depth);
      case "array":
        return sampleArray(resolved, names, depth);
      case "integer":
        return sampleNumber(resolved, names[0] ?? "", true);
      case "number":
        return sampleNumber(resolved, names[0] ?? "", false);
      case "boolean":
        return random() < 0.5;
      case "null":
        return null;
      default:
        return sampleString(resolved, names);
    }
  };

  const sampleObject = (objectSchema: SchemaObject, names: readonly string[], depth: number): Record<string, unknown> => {
    const properties = isSchemaObject(objectSchema.properties) ? objectSchema.properties : {};
    const required = isArray(objectSchema.required) ? objectSchema.required.map(String) : [];
    const ordering = isArray(objectSchema.propertyOrdering) ? objectSchema.propertyOrdering.map(String) : [];
    const propertyNames = [...new Set([...ordering, ...Object.keys(properties), ...required])];
    const result: Record<string, unknown> = {};
    for (const name of propertyNames) {
      if (depth >= maxDepth && !required.includes(name)) continue;
      const propertySchema = properties[name];
      const known = isSchemaObject(propertySchema) || typeof propertySchema === "boolean";
      result[name] = sample(known ? propertySchema : {}, [name, ...names], depth + 1);
    }
    return result;
  };

  const sampleArray = (arraySchema: SchemaObject, names: readonly string[], depth: number): unknown[] => {
    const tuple = isArray(arraySchema.prefixItems)
      ? arraySchema.prefixItems
      : isArray(arraySchema.items)
        ? arraySchema.items
        : [];
    const rest = isArray(arraySchema.items) ? arraySchema.additionalItems : arraySchema.items;
    const minItems = numberOrUndefined(arraySchema.minItems) ?? 0;
    const maxItems = numberOrUndefined(arraySchema.maxItems) ?? Infinity;
    const wanted = depth >= maxDepth ? 0 : tuple.length || preferredItemCount;
    const count = Math.min(Math.max(wanted, minItems), maxItems);
    const itemSchema = (index: number): JsonSchema => {
      const candidate = index < tuple.length ? tuple[index] : rest;
      return isSchemaObject(candidate) || typeof candidate === "boolean" ? candidate : {};
    };

    const items: unknown[] = [];
    const seen = new Set<string>();
    // Duplicates are redrawn a bounded number of times; beyond minItems one is simply dropped.
    for (let attempt = 0; items.length < count && attempt < count * 10; attempt++) {
      const item = sample(itemSchema(items.length), names, depth + 1);
      const identity = JSON.stringify(item);
      if (arraySchema.uniqueItems === true && seen.has(identity)) continue;
      seen.add(identity);
      items.push(item);
    }
    return items;
  };

  const sampleNumber = (numberSchema: SchemaObject, fieldName: string, integer: boolean): number => {
    const { lower, upper } = numericBounds(numberSchema, fieldName, integer);
    // Upper middle of the range: reads like a fair score and keeps clear of exclusive bounds.
    const raw = lower + (0.55 + 0.3 * random()) * (upper - lower);
    const multipleOf = numberOrUndefined(numberSchema.multipleOf);
    if (multipleOf && multipleOf > 0) return nearestMultiple(raw, multipleOf, lower, upper);
    if (integer) return Math.min(Math.max(Math.round(raw), Math.ceil(lower)), Math.floor(upper));
    const rounded = Math.round(raw * 100) / 100;
    return rounded > lower && rounded < upper ? rounded : raw;
  };

  const sampleString = (stringSchema: SchemaObject, names: readonly string[]): string => {
    const formatted = formattedString(stringSchema.format, random);
    if (formatted !== undefined) return formatted;
    return fitLength(
      pickPhrase(names),
      numberOrUndefined(stringSchema.minLength),
      numberOrUndefined(stringSchema.maxLength),
    );
  };

  return sample(schema, [], 0);
}

/**
 * The range a number is drawn from. Exclusive bounds (numeric, or draft-04 booleans) move inward
 * by one for integers; for other numbers the draw stays off the ends. A missing range is taken
 * from the field name: a "confidence" is a fraction, a "percent" a percentage, anything else 1–10.
 */
function numericBounds(schema: SchemaObject, fieldName: string, integer: boolean): { lower: number; upper: number } {
  // The next integer inside an exclusive bound; other numbers keep the bound and are drawn off it.
  const inside = (bound: number, direction: 1 | -1) =>
    integer ? (direction === 1 ? Math.floor(bound) + 1 : Math.ceil(bound) - 1) : bound;
  let lower = numberOrUndefined(schema.minimum);
  let upper = numberOrUndefined(schema.maximum);
  const exclusiveMinimum = numberOrUndefined(schema.exclusiveMinimum);
  const exclusiveMaximum = numberOrUndefined(schema.exclusiveMaximum);
  if (exclusiveMinimum !== undefined) lower = Math.max(lower ?? -Infinity, inside(exclusiveMinimum, 1));
  else if (schema.exclusiveMinimum === true && lower !== undefined) lower = inside(lower, 1);
  if (exclusiveMaximum !== undefined) upper = Math.min(upper ?? Infinity, inside(exclusiveMaximum, -1));
  else if (schema.exclusiveMaximum === true && upper !== undefined) upper = inside(upper, -1);

  const name = fieldName.toLowerCase();
  const [defaultLower, defaultUpper] = /confidence|probability|ratio|fraction/.test(name)
    ? [0, 1]
    : /percent|pct/.test(name)
      ? [0, 100]
      : [1, 10];
  if (lower === undefined && upper === undefined) return { lower: defaultLower, upper: defaultUpper };
  if (lower === undefined) return { lower: upper! - (defaultUpper - defaultLower), upper: upper! };
  if (upper === undefined) return { lower, upper: lower + (defaultUpper - defaultLower) };
  return { lower, upper };
}

/**
 * The multiple of `step` within [lower, upper] nearest to `target`. Validators test multipleOf by
 * floating-point division (0.28 / 0.01 is not a whole number), so candidates are rounded to the
 * step's decimals and kept only if that division comes out whole.
 */
function nearestMultiple(target: number, step: number, lower: number, upper: number): number {
  const decimals = (String(step).split(".")[1] ?? "").length;
  const first = Math.ceil(lower / step);
  const last = Math.floor(upper / step);
  const start = Math.min(Math.max(Math.round(target / step), first), last);
  for (let offset = 0; offset <= last - first; offset++) {
    for (const k of [start + offset, start - offset]) {
      const value = Number((k * step).toFixed(decimals));
      if (k >= first && k <= last && (value / step) % 1 === 0) return value;
    }
  }
  return Number((start * step).toFixed(decimals));
}

/** A fixed-looking value for the string formats a sample can satisfy, else undefined. */
function formattedString(format: unknown, random: () => number): string | undefined {
  const day = new Date(Date.UTC(2025, 0, 6) + Math.floor(random() * 300) * 86_400_000);
  switch (format) {
    case "date-time":
      return new Date(day.getTime() + 14.5 * 3_600_000).toISOString();
    case "date":
      return day.toISOString().slice(0, 10);
    case "time":
      return "14:30:00Z";
    case "email":
      return "alex.morgan@example.com";
    case "uri":
    case "url":
      return "https://example.com/interview-tips";
    case "uuid": {
      const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
    }
    default:
      return undefined;
  }
}

/**
 * Valid JSON that does not satisfy `schema`, as a model ignoring its instructions might send: an
 * object missing its first required property, otherwise the valid value wrapped in the wrong type.
 */
export function violateSchema(schema: JsonSchema, validValue: unknown): unknown {
  const resolved = resolve(schema, schema);
  const required = isArray(resolved.required) ? resolved.required.map(String) : [];
  if (typeOf(resolved) === "object" && required.length && isSchemaObject(validValue)) {
    const incomplete = { ...validValue };
    delete incomplete[required[0]];
    return incomplete;
  }
  return typeOf(resolved) === "array" ? { items: validValue } : [validValue];
}
