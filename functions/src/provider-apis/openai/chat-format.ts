import type { GenerateRequest, MessageData } from "genkit/model";
import { oncePerSchemaText } from "../schema-forms";
import { UpstreamCallError } from "../upstream-failure";
import { dropNullsOfOptionalProperties, responseSchemaFor, type JsonSchema, type ResponseSchema } from "./strict-schema";

/**
 * The parts of a Chat Completions request that OpenAI and OpenRouter (which speaks the same format) build
 * alike from a Genkit request (the messages and the `response_format`), and the answer's text as Genkit
 * should read it.
 */

/** `response_format.json_schema.name`: any of [A-Za-z0-9_-]{1,64}. */
const responseSchemaName = "answer";

/** The strict form of each output schema, made once per schema (schema-forms.ts). */
const strictFormOf = oncePerSchemaText((schema: JsonSchema) => responseSchemaFor(schema));

export type ChatResponseFormat =
  | { type: "json_schema"; json_schema: { name: string; strict: boolean; schema: ResponseSchema["schema"] } }
  | { type: "json_object" };

/** Native structured output for a request with a schema, JSON mode for one that asks for JSON only, else nothing. */
export function chatResponseFormat(request: GenerateRequest): { response_format?: ChatResponseFormat } {
  const schema = request.output?.schema as JsonSchema | undefined;
  if (schema !== undefined) {
    const { schema: responseSchema, strict } = strictFormOf(schema);
    return { response_format: { type: "json_schema", json_schema: { name: responseSchemaName, strict, schema: responseSchema } } };
  }
  return request.output?.format === "json" ? { response_format: { type: "json_object" } } : {};
}

/**
 * A Genkit message as a chat message; `systemRole` is what the API calls system instructions (OpenAI's
 * current models: `developer`).
 */
export function toChatMessage<SystemRole extends "system" | "developer">(
  message: MessageData,
  systemRole: SystemRole,
): { role: SystemRole | "user" | "assistant"; content: string } {
  if (message.content.some((part) => part.media || part.toolRequest || part.toolResponse)) {
    // The user-key model declares no media and no tools; such a request is a bug, not the provider's answer.
    throw new UpstreamCallError({ kind: "unexpected" });
  }
  const content = message.content
    .map((part) => part.text ?? "")
    .filter((text) => text !== "")
    .join("\n\n");
  switch (message.role) {
    case "system":
      return { role: systemRole, content };
    case "user":
      return { role: "user", content };
    case "model":
      return { role: "assistant", content };
    default:
      throw new UpstreamCallError({ kind: "unexpected" });
  }
}

/**
 * The answer's text for Genkit to parse: for a request with a schema, the JSON with the nulls strict mode
 * made the model write for absent optional properties removed, so that it validates against the original.
 */
export function answerTextFor(request: GenerateRequest, content: string): string {
  const schema = request.output?.schema as JsonSchema | undefined;
  if (schema === undefined) return content;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return content; // cut or malformed: Genkit's parsing reports it and the flow may ask again
  }
  return JSON.stringify(dropNullsOfOptionalProperties(parsed, schema));
}
