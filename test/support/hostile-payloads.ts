import fc from "fast-check";
import { inputLimits } from "../../functions/src/ai/input-limits";
import { interviewTypes, seniorities } from "../../functions/src/ai/schemas";
import { dailyLimitRange } from "../../functions/src/keys/daily-limit-range";
import { modelIdPattern } from "../../functions/src/keys/schemas";
import { providers } from "../../functions/src/providers";
import { fakeGeminiKeyFrom, keyShaped } from "./keys";
import type { RawRequest } from "./raw-callable";

/**
 * Generators (fast-check) of hostile requests to the callables, each invalid by construction: a valid
 * request with one to three fields made wrong (a wrong type, a value out of range, a string that is not
 * one of the allowed ones, whitespace only, too long), a required field left out, or a field added that
 * the callable does not take; data that is not an object; a request that is not the callable protocol;
 * and, for setApiKey, a key that has none of the key shapes. The hostile part is in what goes into those
 * places: `__proto__` / `constructor` keys, `@type` objects (firebase-functions would decode some into
 * numbers), nesting deeper than the protocol check allows, huge strings, arrays and objects, unicode and
 * control characters, provider path tricks, and fake keys made from the seed (never a key literal).
 *
 * What makes each request invalid is known from how it was made, so the expected refusal is too:
 * INVALID_INPUT, or KEY_FORMAT for a malformed key in an otherwise valid setApiKey request.
 */

export const hostileCallables = [
  "apiKeyStatus",
  "removeApiKey",
  "setApiKey",
  "setDailyLimit",
  "setPreferredProvider",
  "verifyApiKey",
  "apiKeyActivity",
  "apiKeyModels",
  "setModel",
  "generateQuestions",
  "generateFeedback",
] as const;
export type HostileCallable = (typeof hostileCallables)[number];

/** How a request travels: `httpsCallable(...)(data)`, `httpsCallable(...).stream(data)`, or `fetch` with a body of our own. */
export type Transport = "sdk" | "sdk-stream" | "raw";

/** What was done to a valid request to make it invalid. */
export const mutations = ["wrong type or value", "missing field", "extra field", "data not an object", "not the callable protocol", "malformed key"] as const;
export type Mutation = (typeof mutations)[number];

export interface HostileRequest {
  callable: HostileCallable;
  transport: Transport;
  /** The request's `data`: what the SDK is given, or what a raw request sends as `{ "data": … }`. */
  data?: unknown;
  /** A raw request whose body, Content-Type or method breaks the callable protocol (then there is no `data`). */
  envelope?: RawRequest;
  mutations: Mutation[];
  /** The refusal's `details.reason`: the code is `invalid-argument` for both. */
  expected: "INVALID_INPUT" | "KEY_FORMAT";
}

// ---- Hostile values ----

/** Characters that look like nothing, reverse text, end lines, or are not characters at all. */
const controlCharacters = [
  "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u00ad",
  "\u200b", "\u200d", "\u200e", "\u202e", "\u2028", "\u2066", "\ufeff", "\ufffd", "\uffff", "\ud800", "\udfff",
];

/** What String.prototype.trim (and so zod's `.trim()`) removes. */
const trimmedAway = [" ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u1680", "\u2000", "\u2003", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"];

/** Tricks a provider id might play if it were ever put into a path or a URL. */
const providerTricks = [
  "../googleai", "googleai/../x", "%2e%2e", "%2e%2e%2fgoogleai", "..%2Fgoogleai", "%252e%252e", "..%c0%af", "..", ".", "/", "",
  "googleai/", "/googleai", "./googleai", "googleai/.", "..\\googleai", "googleai\\..", "googleai%00", "googleai\u0000", "googleai\n",
  " googleai", "googleai ", "GoogleAI", "GOOGLEAI", "ｇｏｏｇｌｅａｉ", "googleai\u200b", "g\u00adoogleai", "apiKeys/x/providers/googleai",
  "../../rateLimits/x/buckets/ai", "googleai*", "*", "googleai?x=1", "googleai#x", "googleai;", "googleai,openai", "openai", "anthropic",
  "openrouter", "OpenRouter", "openrouter/", "open router", "openrouter\u200b", "openrouter/../googleai", "or", "sk-or-v1",
  "__proto__", "constructor", "prototype", "toString",
];

const injections = [
  "$where", '{"$gt":""}', "<script>alert(1)</script>", "${process.env}", "{{constructor.constructor('return process')()}}",
  "'; DROP TABLE apiKeys;--", "%s%s%s%n", "\\u0000", "null", "undefined", "NaN", "Infinity", "true", "[object Object]",
  "../../../../etc/passwd", "file:///etc/passwd", "http://169.254.169.254/computeMetadata/v1/", "projects/p/locations/global/keyRings/r/cryptoKeys/k",
];

/** A well-formed fake Gemini key (either shape) made from the seed: every run of a seed sends the same ones. */
const wellFormedKey = fc
  .tuple(fc.uint8Array({ minLength: 50, maxLength: 50 }), fc.constantFrom("auth" as const, "standard" as const))
  .map(([bytes, shape]) => fakeGeminiKeyFrom(bytes, shape));

const unicodeText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc
    .array(fc.oneof(fc.constantFrom(...controlCharacters), fc.string({ unit: "binary-ascii", maxLength: 3 })), { maxLength: 12 })
    .map((parts) => parts.join("")),
);

/** One character that trim keeps. */
const keptCharacter = fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((character) => character.trim() === character);

const keyCarrying = fc.oneof(
  wellFormedKey,
  fc.tuple(unicodeText, wellFormedKey, unicodeText).map((parts) => parts.join("")),
  fc.tuple(wellFormedKey, wellFormedKey).map(([first, second]) => `${first},${second}`),
);

const hugeString = fc
  .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 16 }), fc.integer({ min: 10_000, max: 40_000 }), fc.option(wellFormedKey, { nil: undefined }))
  .map(([chunk, length, key]) => `${key ?? ""}${chunk.repeat(Math.ceil(length / chunk.length))}`);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...providerTricks), weight: 2 },
  { arbitrary: unicodeText, weight: 3 },
  { arbitrary: fc.constantFrom(...injections), weight: 1 },
  { arbitrary: keyCarrying, weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  // fast-check's own strings, which favour "__proto__", "constructor", "hasOwnProperty" and the like.
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);

const anyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 0.5, 1.5, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308, 5e-324),
);

/** `target` with an own enumerable property `key`, also for "__proto__", which an assignment would make the prototype. */
function withOwn<Target extends object>(target: Target, key: string, value: unknown): Target {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Objects that would pollute a prototype if something merged them naively. */
const pollutingObject = fc.constantFrom("__proto__", "constructor", "both").map((kind) => {
  const value: Record<string, unknown> = {};
  if (kind !== "constructor") withOwn(value, "__proto__", { isAdmin: true, provider: "googleai" });
  if (kind !== "__proto__") withOwn(value, "constructor", { prototype: { isAdmin: true } });
  return value;
});

/** The callable protocol's typed values; firebase-functions would decode the Int64 ones into numbers. */
const typedValue = fc.oneof(
  fc.constantFrom("Int64Value", "UInt64Value").map((type) => ({ "@type": `type.googleapis.com/google.protobuf.${type}`, value: "5" })),
  fc.record({ "@type": hostileString, value: fc.jsonValue({ maxDepth: 2 }) }),
  keyCarrying.map((key) => ({ "@type": key })),
);

/** A value nested `depth` levels deep; the protocol check refuses data nested 32 levels or more. */
const deepValue = fc
  .tuple(fc.oneof(fc.integer({ min: 2, max: 31 }), fc.integer({ min: 32, max: 400 })), fc.constantFrom("object", "array", "mixed"), fc.oneof(hostileString, anyNumber))
  .map(([depth, kind, leaf]) => {
    let value: unknown = leaf;
    for (let level = 0; level < depth; level++) value = kind === "array" || (kind === "mixed" && level % 2 === 1) ? [value] : { a: value };
    return value;
  });

const hugeContainer = fc.oneof(
  fc.integer({ min: 1_001, max: 10_000 }).map((length) => Array.from({ length }, (_, index) => index)),
  fc.integer({ min: 1_001, max: 3_000 }).map((size) => Object.fromEntries(Array.from({ length: size }, (_, index) => [`k${index}`, index]))),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: anyNumber, weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.array(hostileString, { maxLength: 5 }), weight: 1 },
  { arbitrary: pollutingObject, weight: 1 },
  { arbitrary: typedValue, weight: 1 },
  { arbitrary: deepValue, weight: 1 },
  { arbitrary: hugeContainer, weight: 1 },
);

const isString = (value: unknown) => typeof value === "string";
const isPlainObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
const notA = (isType: (value: unknown) => boolean) => hostileValue.filter((value) => !isType(value));

// ---- Valid and invalid values of each kind of field ----

/** A string trim leaves 1..`max` characters of: it starts with a character trim keeps. */
const validText = (max: number) => fc.tuple(keptCharacter, fc.string({ unit: "grapheme", maxLength: 40 })).map(([first, rest]) => `${first}${rest}`.slice(0, max));

/** A string longer than `max` even once trimmed: it starts and ends with characters trim keeps. */
const longerThan = (max: number) =>
  fc
    .tuple(keptCharacter, fc.string({ unit: "binary", minLength: 1, maxLength: 24 }), fc.integer({ min: 0, max: 2 * max }), fc.option(wellFormedKey, { nil: undefined }), keptCharacter)
    .map(([first, chunk, extra, key, last]) => `${first}${key ?? ""}${chunk.repeat(Math.ceil((max + extra) / chunk.length))}${last}`);

/** Nothing but what trim removes, or nothing at all. */
const blank = fc.array(fc.constantFrom(...trimmedAway), { maxLength: 20 }).map((parts) => parts.join(""));

/** A required text field (trimmed, 1..max): not a string, blank, or too long. */
const invalidText = (max: number) => fc.oneof(notA(isString), blank, longerThan(max));

/** A whole number outside min..max, a fraction, or not a number (null allowed only where `nullable`). */
const invalidInteger = (min: number, max: number, { nullable = false } = {}) =>
  fc.oneof(
    fc.integer({ max: min - 1 }),
    fc.integer({ min: max + 1 }),
    anyNumber.filter((value) => !(Number.isInteger(value) && value >= min && value <= max)),
    notA((value) => typeof value === "number" || (nullable && value === null)),
  );

const fullWidth = (text: string) => text.replace(/[!-~]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

/** Strings that are almost one of `allowed`, hostile strings, and values that are not strings at all. */
const invalidChoice = (allowed: readonly string[]) => {
  const nearMiss = fc
    .tuple(fc.constantFrom(...allowed), fc.constantFrom("upper", "padded", "control", "full-width", "path", "truncated", "encoded"))
    .map(([value, how]) => {
      switch (how) {
        case "upper":
          return value.toUpperCase();
        case "padded":
          return ` ${value}\t`;
        case "control":
          return `${value}\u0000`;
        case "full-width":
          return fullWidth(value);
        case "path":
          return `../${value}`;
        case "truncated":
          return value.slice(0, -1);
        case "encoded":
          return encodeURIComponent(`./${value}`);
      }
    });
  return fc.oneof(fc.oneof(nearMiss, hostileString).filter((value) => !allowed.includes(value)), notA(isString));
};

const invalidBoolean = fc.oneof(fc.constantFrom<unknown>("true", "false", 0, 1, "1", null, [], {}), notA((value) => typeof value === "boolean"));

interface FieldSpec {
  name: string;
  required: boolean;
  valid: fc.Arbitrary<unknown>;
  invalid: fc.Arbitrary<unknown>;
}

// ---- Valid objects, made invalid ----

/** Names of fields no callable takes: prototype keys, protocol keys, look-alikes, keys, anything. */
const extraFieldName = fc.oneof(
  fc.constantFrom(
    "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "@type", "$ref", "$where",
    "data", "uid", "auth", "admin", "isAdmin", "role", "Provider", "provider ", "apiKey", "api_key", "key", "dailyLimit", "items", "",
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ maxLength: 20 }),
  wellFormedKey,
);

function validObject(fields: readonly FieldSpec[]): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(fields.map((field) => [field.name, field.valid]));
  return fc.record(model, { requiredKeys: fields.filter((field) => field.required).map((field) => field.name), noNullPrototype: true });
}

interface FieldChange {
  field: string;
  mutation: "wrong type or value" | "missing field" | "extra field";
  value?: unknown;
}

/**
 * A valid object with one to three fields changed, each change making it invalid on its own: a field's
 * value replaced by an invalid one, a required field removed, or a field added that is not among `fields`.
 */
function invalidObject(fields: readonly FieldSpec[]): fc.Arbitrary<{ value: Record<string, unknown>; mutations: Mutation[] }> {
  const names = new Set(fields.map((field) => field.name));
  const changes: Array<fc.Arbitrary<FieldChange>> = [
    ...fields.map((field) => field.invalid.map((value): FieldChange => ({ field: field.name, mutation: "wrong type or value", value }))),
    ...fields.filter((field) => field.required).map((field) => fc.constant<FieldChange>({ field: field.name, mutation: "missing field" })),
    fc.tuple(extraFieldName.filter((name) => !names.has(name)), hostileValue).map(([field, value]): FieldChange => ({ field, mutation: "extra field", value })),
  ];
  return fc
    .tuple(validObject(fields), fc.uniqueArray(fc.oneof(...changes), { minLength: 1, maxLength: 3, selector: (change) => change.field }))
    .map(([valid, changeList]) => {
      const value = { ...valid };
      for (const change of changeList) {
        if (change.mutation === "missing field") delete value[change.field];
        else withOwn(value, change.field, change.value);
      }
      return { value, mutations: [...new Set(changeList.map((change) => change.mutation))] };
    });
}

const provider: FieldSpec = { name: "provider", required: false, valid: fc.constantFrom(...providers), invalid: invalidChoice(providers) };
/** removeApiKey also takes "all" (every key at once). */
const providerOrAll: FieldSpec = { name: "provider", required: false, valid: fc.constantFrom(...providers, "all"), invalid: invalidChoice([...providers, "all"]) };

const feedbackItemFields: FieldSpec[] = [
  { name: "questionId", required: false, valid: fc.string({ minLength: 1, maxLength: 64 }), invalid: fc.oneof(notA(isString), fc.constant(""), longerThan(64)) },
  { name: "question", required: true, valid: validText(inputLimits.question), invalid: invalidText(inputLimits.question) },
  { name: "answer", required: true, valid: validText(inputLimits.answer), invalid: invalidText(inputLimits.answer) },
];

/** apiKeyModels and setModel name their provider: there is no default. */
const namedProvider: FieldSpec = { ...provider, required: true };

/** A model id as the APIs spell them, or (setModel) null for the operator's default. */
const modelField: FieldSpec = {
  name: "model",
  required: true,
  valid: fc.option(fc.constantFrom("gemini-flash-latest", "gpt-6-luna", "claude-haiku-5-5", "openai/gpt-6-luna"), { nil: null }),
  invalid: fc.oneof(
    notA((value) => isString(value) || value === null),
    fc.constant(""),
    longerThan(100),
    fc.string({ minLength: 1, maxLength: 40 }).filter((value) => !modelIdPattern.test(value)),
  ),
};

const fieldsOf: Record<HostileCallable, FieldSpec[]> = {
  apiKeyModels: [namedProvider],
  setModel: [namedProvider, modelField],
  apiKeyStatus: [provider],
  removeApiKey: [providerOrAll],
  setPreferredProvider: [
    {
      name: "provider",
      required: true,
      valid: fc.option(fc.constantFrom(...providers), { nil: null }),
      invalid: invalidChoice(providers).filter((value) => value !== null),
    },
  ],
  verifyApiKey: [provider],
  apiKeyActivity: [provider, { name: "limit", required: false, valid: fc.integer({ min: 1, max: 50 }), invalid: invalidInteger(1, 50) }],
  setApiKey: [
    { name: "apiKey", required: true, valid: wellFormedKey, invalid: fc.oneof(notA(isString), longerThan(512)) },
    provider,
    { name: "verify", required: false, valid: fc.boolean(), invalid: invalidBoolean },
    { name: "expiresInDays", required: false, valid: fc.integer({ min: 1, max: 365 }), invalid: invalidInteger(1, 365) },
  ],
  setDailyLimit: [
    provider,
    {
      name: "dailyLimit",
      required: true,
      valid: fc.option(fc.integer(dailyLimitRange), { nil: null }),
      invalid: invalidInteger(dailyLimitRange.min, dailyLimitRange.max, { nullable: true }),
    },
  ],
  generateQuestions: [
    { name: "jobTitle", required: true, valid: validText(inputLimits.jobTitle), invalid: invalidText(inputLimits.jobTitle) },
    { name: "jobDescription", required: false, valid: fc.string({ unit: "grapheme", maxLength: 200 }), invalid: fc.oneof(notA(isString), longerThan(inputLimits.jobDescription)) },
    { name: "interviewType", required: true, valid: fc.constantFrom(...interviewTypes), invalid: invalidChoice(interviewTypes) },
    { name: "seniority", required: false, valid: fc.constantFrom(...seniorities), invalid: invalidChoice(seniorities) },
    { name: "count", required: false, valid: fc.integer(inputLimits.questionCount), invalid: invalidInteger(inputLimits.questionCount.min, inputLimits.questionCount.max) },
    provider,
  ],
  generateFeedback: [
    { name: "jobTitle", required: true, valid: validText(inputLimits.jobTitle), invalid: invalidText(inputLimits.jobTitle) },
    {
      name: "items",
      required: true,
      valid: fc.array(validObject(feedbackItemFields), { minLength: 1, maxLength: inputLimits.feedbackItems }),
      invalid: fc.oneof(
        notA(Array.isArray),
        fc.constant([]),
        fc.array(validObject(feedbackItemFields), { minLength: inputLimits.feedbackItems + 1, maxLength: 3 * inputLimits.feedbackItems }),
        fc
          .tuple(
            fc.array(validObject(feedbackItemFields), { maxLength: inputLimits.feedbackItems - 1 }),
            fc.oneof(notA(isPlainObject), invalidObject(feedbackItemFields).map(({ value }) => value)),
            fc.nat(),
          )
          .map(([items, invalidItem, at]) => [...items.slice(0, at % (items.length + 1)), invalidItem, ...items.slice(at % (items.length + 1))]),
      ),
    },
    provider,
  ],
};

/** Data that is not an object: a string, number, boolean or array (not null, which a callable reads as `{}`). */
const notAnObject = notA((value) => value === null || isPlainObject(value));

// ---- Requests that are not the callable protocol ----

/** A raw request that breaks the protocol around `data`, whatever `data` is: the protocol check refuses it. */
function protocolBreaking(data: fc.Arbitrary<unknown>): fc.Arbitrary<RawRequest> {
  const envelopeName = fc.oneof(fc.constantFrom("Data", "data ", "payload", "params", "__proto__", "@type"), wellFormedKey, fc.string({ maxLength: 12 })).filter((name) => name !== "data");
  return fc.oneof(
    // No `data`: the data's own fields at the top level (less any `data` among them), or under another name.
    data.map((value) => {
      const fields: Record<string, unknown> = isPlainObject(value) ? { ...(value as Record<string, unknown>) } : { value };
      delete fields.data;
      return { body: JSON.stringify(fields) };
    }),
    fc.tuple(data, envelopeName).map(([value, name]) => ({ body: JSON.stringify(withOwn({}, name, value)) })),
    // `data` and something beside it.
    fc.tuple(data, envelopeName, hostileValue).map(([value, name, extra]) => ({ body: JSON.stringify(withOwn({ data: value }, name, extra)) })),
    // A body that is not an object.
    data.map((value) => ({ body: JSON.stringify([{ data: value }]) })),
    // Another Content-Type, or another method.
    fc
      .tuple(data, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/json-patch+json", "application/jsonp", "text/json"))
      .map(([value, contentType]) => ({ contentType, body: JSON.stringify({ data: value }) })),
    fc.tuple(data, fc.constantFrom("PUT", "PATCH", "DELETE")).map(([value, method]) => ({ method, body: JSON.stringify({ data: value }) })),
  );
}

// ---- Keys of no known shape ----

/** Characters no key has, none of which trim removes. */
const foreignCharacters = ["#", "/", "%", "!", "=", "+", "~", "*", '"', "'", "\\", ":", "\u0000", "\u001b", "\u200b", "\u202e", "é", "\u0410", "😀"];

/**
 * A well-formed key broken so that it has no key shape, even once trimmed: a foreign character inserted
 * anywhere, whitespace inside it, a character dropped, characters added, cut short, a look-alike or
 * lower-case first letter, twice over, URL-encoded, or quoted in text.
 */
const malformedKey = fc.oneof(
  fc
    .tuple(wellFormedKey, fc.nat(), fc.constantFrom("insert", "inner space", "drop", "append", "prepend", "cut", "lower", "look-alike", "twice", "encoded"), fc.constantFrom(...foreignCharacters))
    .map(([key, position, how, foreign]) => {
      switch (how) {
        case "insert":
          return key.slice(0, position % (key.length + 1)) + foreign + key.slice(position % (key.length + 1));
        case "inner space": {
          const at = 1 + (position % (key.length - 1));
          return `${key.slice(0, at)}${trimmedAway[position % trimmedAway.length]}${key.slice(at)}`;
        }
        case "drop": {
          const at = position % key.length;
          return key.slice(0, at) + key.slice(at + 1);
        }
        case "append":
          return key + key.slice(4, 5 + (position % 5));
        case "prepend":
          return key.slice(4, 5 + (position % 5)) + key;
        case "cut":
          return key.slice(0, 4 + (position % (key.length - 5)));
        case "lower":
          return key[0].toLowerCase() + key.slice(1);
        case "look-alike":
          return `\u0410${key.slice(1)}`;
        case "twice":
          return key + key;
        case "encoded":
          return `${key.slice(0, 2)}%2E${key.slice(3)}`;
      }
    }),
  fc
    .tuple(fc.constantFrom("key=", "my key: ", '"', "Bearer ", "x-goog-api-key: ", "\u0000"), wellFormedKey, fc.constantFrom("", '"', " (new)", ";", "\u200b"))
    .map((parts) => parts.join("")),
  fc.constantFrom(...providerTricks, ...injections),
  blank,
  // Shorter than any key shape.
  fc.string({ unit: "binary", maxLength: 30 }),
);

// ---- Requests ----

const aiCallables: readonly HostileCallable[] = ["generateQuestions", "generateFeedback"];

/**
 * Whether the Firebase JS SDK sends `data` as it is. It copies objects key by key (`result[key] = …`),
 * so an own "__proto__" key becomes the copy's prototype and is not sent; and it calls
 * `o.hasOwnProperty(key)`, which an own "hasOwnProperty" key or an object without Object.prototype
 * (fast-check makes some with a null prototype) does not have. Such data goes as a raw request instead,
 * which sends it as it is.
 */
export function sdkSendsAsIs(data: unknown): boolean {
  const pending: unknown[] = [data];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== "object") continue;
    if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return false;
    if (Object.hasOwn(value, "__proto__") || Object.hasOwn(value, "hasOwnProperty")) return false;
    pending.push(...Object.values(value as Record<string, unknown>));
  }
  return true;
}

/** Hostile requests to `callable`, each invalid by construction and with the refusal it must get. */
export function hostileRequests(callable: HostileCallable): fc.Arbitrary<HostileRequest> {
  const fields = fieldsOf[callable];
  const transport = fc.constantFrom<Transport>(...(aiCallables.includes(callable) ? (["sdk", "sdk", "sdk-stream", "raw"] as const) : (["sdk", "sdk", "sdk", "raw"] as const)));
  const travelling = (data: unknown, chosen: Transport): Transport => (sdkSendsAsIs(data) ? chosen : "raw");

  const invalidData = fc
    .tuple(fc.oneof({ arbitrary: invalidObject(fields), weight: 6 }, { arbitrary: notAnObject.map((value) => ({ value, mutations: ["data not an object" as const] })), weight: 1 }), transport)
    .map(([{ value, mutations: made }, chosen]): HostileRequest => ({ callable, transport: travelling(value, chosen), data: value, mutations: made, expected: "INVALID_INPUT" }));

  const anyData = fc.oneof(validObject(fields), invalidObject(fields).map(({ value }) => value), hostileValue);
  const notTheProtocol = protocolBreaking(anyData).map(
    (envelope): HostileRequest => ({ callable, transport: "raw", envelope, mutations: ["not the callable protocol"], expected: "INVALID_INPUT" }),
  );

  const requests = [{ arbitrary: invalidData, weight: 8 }, { arbitrary: notTheProtocol, weight: 1 }];
  if (callable === "setApiKey") {
    const keyOfNoShape = fc
      .tuple(validObject(fields), malformedKey, transport)
      .map(([valid, apiKey, chosen]): HostileRequest => {
        const data = { ...valid, apiKey };
        return { callable, transport: travelling(data, chosen), data, mutations: ["malformed key"], expected: "KEY_FORMAT" };
      });
    requests.push({ arbitrary: keyOfNoShape, weight: 3 });
  }
  return fc.oneof(...requests);
}

// ---- What a request holds, for the figures ----

/** What is hostile in what a request carries. */
export const traits = [
  "provider not a provider id",
  "__proto__ / constructor key",
  "@type object",
  "nested 32 levels or more",
  "huge (over 10,000 characters or 1,000 entries)",
  "unicode or control characters",
  "key-shaped string",
] as const;
export type Trait = (typeof traits)[number];

/** What is hostile in a request, read from what it sends. */
export function traitsOf(request: HostileRequest): Set<Trait> {
  const found = new Set<Trait>();
  const text = request.envelope?.body ?? JSON.stringify(request.data) ?? "";
  if (keyShaped.test(text)) found.add("key-shaped string");
  if (text.length > 10_000) found.add("huge (over 10,000 characters or 1,000 entries)");
  const unusual = (value: string) => /[^\x20-\x7e]/.test(value);
  // Depths counted as the protocol check counts them, from `data` (a raw body is one level above it).
  const pending: Array<{ value: unknown; depth: number }> = [
    request.envelope?.body !== undefined ? { value: JSON.parse(request.envelope.body), depth: -1 } : { value: request.data, depth: 0 },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === "string" && unusual(value)) found.add("unicode or control characters");
    if (value === null || typeof value !== "object") continue;
    if (depth >= 32) found.add("nested 32 levels or more");
    const keys = Object.keys(value);
    if (keys.length > 1_000) found.add("huge (over 10,000 characters or 1,000 entries)");
    for (const key of keys) {
      if (key === "__proto__" || key === "constructor") found.add("__proto__ / constructor key");
      if (key === "@type") found.add("@type object");
      if (unusual(key)) found.add("unicode or control characters");
    }
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
  const data = request.data;
  if (isPlainObject(data) && Object.hasOwn(data as object, "provider") && !providers.some((id) => id === (data as { provider?: unknown }).provider)) {
    found.add("provider not a provider id");
  }
  return found;
}
