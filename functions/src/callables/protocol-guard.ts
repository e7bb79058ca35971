import type { HttpsFunction } from "firebase-functions/v2/https";
import { invalidInput, toHttpsError } from "../errors";
import { malformedCallableRequest } from "../logs";

/**
 * Requests that are not the callable protocol, refused before firebase-functions sees them.
 *
 * firebase-functions (7.x, lib/common/providers/https.js) checks the protocol before our handler runs,
 * and logs what it refuses: a body without `data` is logged whole as the entry's fields ("Request body is
 * missing data.", WARNING), extra body fields by name, a wrong Content-Type header as sent; a `data`
 * holding an object with an `@type` field is logged whole ("Data cannot be decoded from JSON.", ERROR)
 * and answered 500 `internal`, as is data nested deeper than its recursive decoder's stack. All of this
 * happens before authentication, so anyone could put a key, or any text, into our logs.
 *
 * Each refusal here is a 400 `invalid-argument` (reason INVALID_INPUT) whose message never quotes the
 * request, and one log line naming the problem, never the content.
 */

/** What is wrong with a request, as logged; `undefined` when it is a well-formed callable request. */
export type ProtocolProblem =
  | "method"
  | "content-type"
  | "body-not-object"
  | "missing-data"
  | "extra-fields"
  | "typed-value"
  | "prototype-field"
  | "too-deep";

/**
 * Deeper than any input of ours (three levels), far shallower than what overflows firebase-functions'
 * recursive decoder.
 */
export const maxDataDepth = 32;

const messages: Record<ProtocolProblem, string> = {
  method: "Callable functions take POST requests.",
  "content-type": "Send the request as JSON, with Content-Type: application/json.",
  "body-not-object": 'The request body must be a JSON object of the form {"data": ...}.',
  "missing-data": 'The request body must be a JSON object of the form {"data": ...}.',
  "extra-fields": 'The request body must be a JSON object of the form {"data": ...}.',
  "typed-value": 'The request data must not contain "@type" fields.',
  "prototype-field": 'The request data must not contain "__proto__" fields.',
  "too-deep": "The request data is nested too deeply.",
};

/** The parts of a request the protocol check reads: the method, two headers and the parsed body. */
export interface CallableRequestShape {
  method: string;
  header(name: string): string | undefined;
  body: unknown;
}

/**
 * The first way `request` breaks the callable protocol, in the order firebase-functions checks
 * (method, Content-Type, `{ data }` and nothing else), then what its decoder logs or chokes on in `data`:
 * `@type` (a protocol-typed value; none of our callables takes one, and an unknown type is a 500 there),
 * `__proto__` (decoding would make it the object's prototype), nesting deeper than `maxDataDepth`.
 */
export function callableProtocolProblem(request: CallableRequestShape): ProtocolProblem | undefined {
  if (request.method !== "POST") return "method";
  const contentType = (request.header("Content-Type") ?? "").toLowerCase().split(";")[0].trim();
  if (contentType !== "application/json") return "content-type";
  const body = request.body;
  if (!isPlainObject(body)) return "body-not-object";
  if (!Object.hasOwn(body, "data") || body.data === undefined) return "missing-data";
  if (Object.keys(body).length !== 1) return "extra-fields";
  return dataProblem(body.data);
}

/** Walks `data` without recursion, so no input can overflow this check's own stack. */
function dataProblem(data: unknown): ProtocolProblem | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: data, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (value === null || typeof value !== "object") continue;
    if (depth >= maxDataDepth) return "too-deep";
    if (!Array.isArray(value)) {
      if (Object.hasOwn(value, "@type")) return "typed-value";
      if (Object.hasOwn(value, "__proto__")) return "prototype-field";
    }
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

type Handler = HttpsFunction;
type Request = Parameters<Handler>[0];
type Response = Parameters<Handler>[1];

/**
 * `callable` behind the protocol check: a well-formed request (and a CORS preflight) reaches it
 * untouched; any other gets a 400, and firebase-functions never sees it to log it. A Proxy, so
 * every property firebase-functions attaches and the deploy tooling reads (`__endpoint`,
 * `__requiredAPIs`, `__trigger`, `run`, `stream`, and whatever a later version adds) stays as it is.
 *
 * Refusals carry the CORS headers of onCall's default `cors: true` (the caller's origin, reflected), so
 * a browser client reads the error too; every callable guarded in index.ts uses that default.
 */
export function guardCallableProtocol<Callable extends Handler>(callable: Callable): Callable {
  return new Proxy(callable, {
    apply(target, thisArg, args: Parameters<Handler>) {
      const [request, response] = args;
      const problem = request.method === "OPTIONS" ? undefined : callableProtocolProblem(request);
      if (problem === undefined) return Reflect.apply(target, thisArg, args);
      malformedCallableRequest(problem);
      refuse(request, response, messages[problem]);
      return undefined;
    },
  });
}

function refuse(request: Request, response: Response, message: string): void {
  const body = { error: toHttpsError(invalidInput(message)).toJSON() };
  const origin = request.header("Origin");
  if (origin) response.set("Access-Control-Allow-Origin", origin).vary("Origin");
  response.status(400);
  // A streaming client (the JS SDK's `.stream()`) reads errors only as a server-sent event.
  if (request.header("Accept") === "text/event-stream") {
    response.type("text/event-stream").end(`data: ${JSON.stringify(body)}\n\n`);
  } else {
    response.json(body);
  }
}
