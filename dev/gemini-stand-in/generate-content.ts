/**
 * Bodies of successful `generateContent` / `streamGenerateContent` answers, shaped like Google's:
 * the text, its candidates, `usageMetadata`, `modelVersion`, `responseId`, and the two ways Google
 * reports a safety block.
 */

import { createHash } from "node:crypto";
import { sampleFromSchema, violateSchema, type JsonSchema } from "./sample-from-schema";
import { createPhrasePicker } from "./sample-text";

type TextParts = { parts?: Array<{ text?: unknown }> };

/** The fields of a generate request body that shape the answer; everything else is ignored. */
export interface GenerateContentBody {
  contents?: TextParts[];
  systemInstruction?: TextParts;
  generationConfig?: {
    responseMimeType?: string;
    /** JSON Schema; what `@genkit-ai/google-genai` sends for structured output by default. */
    responseJsonSchema?: JsonSchema;
    /** OpenAPI-subset schema; what the plugin sends with `legacyResponseSchema: true`. */
    responseSchema?: JsonSchema;
  };
}

/** Ways an answer can be spoiled on purpose, to exercise a flow's retry and failure paths. */
export type CorruptionKind =
  /** Text that no JSON parser accepts (a complete-looking object with an elision inside). */
  | "malformed-json"
  /** Valid JSON that does not satisfy the requested schema. */
  | "schema-mismatch";

/** A generateContent answer body as Google sends it. */
export type GenerateContentResponse = Record<string, unknown>;

/** Same request, same seed: answers are deterministic. */
function seedOf(body: GenerateContentBody): number {
  return createHash("sha256").update(JSON.stringify(body)).digest().readUInt32BE(0);
}

/** Google's response ids are opaque URL-safe strings; this one is derived from the request. */
function responseIdOf(body: GenerateContentBody): string {
  return createHash("sha256").update(JSON.stringify(body)).update("responseId").digest("base64url").slice(0, 22);
}

function textOf(content: TextParts | undefined): string {
  return (content?.parts ?? []).map((part) => (typeof part.text === "string" ? part.text : "")).join("");
}

/** Roughly four characters a token, as Google's tokenizer averages for English. */
const tokensIn = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function promptTokenCount(body: GenerateContentBody): number {
  return tokensIn(textOf(body.systemInstruction) + (body.contents ?? []).map(textOf).join(""));
}

/** Thinking tokens every answer reports (`usageMetadata.thoughtsTokenCount`), a fixed figure tests can expect. */
export const thoughtsTokenCount = 48;

function usageMetadata(body: GenerateContentBody, answer?: string): Record<string, unknown> {
  const prompt = promptTokenCount(body);
  const candidates = answer === undefined ? 0 : tokensIn(answer);
  // Gemini 3 thinks before it answers (at level LOW here) and reports it apart: billed as output.
  const thoughts = answer === undefined ? 0 : thoughtsTokenCount;
  return {
    promptTokenCount: prompt,
    ...(answer === undefined ? {} : { candidatesTokenCount: candidates, thoughtsTokenCount: thoughts }),
    totalTokenCount: prompt + candidates + thoughts,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
  };
}

/**
 * The answer's text: JSON satisfying the requested schema when the request asks for JSON, a short
 * piece of interview advice otherwise; spoiled as `corruption` says when given.
 */
export function answerText(body: GenerateContentBody, corruption?: CorruptionKind): string {
  const seed = seedOf(body);
  const config = body.generationConfig ?? {};
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const wantsJson = config.responseMimeType === "application/json" || schema !== undefined;
  if (!wantsJson) {
    const pickPhrase = createPhrasePicker(seed);
    return `${pickPhrase(["feedback"])} ${pickPhrase(["tip"])}`;
  }
  const valid = schema === undefined ? { answer: createPhrasePicker(seed)(["answer"]) } : sampleFromSchema(schema, seed);
  if (corruption === "schema-mismatch") return JSON.stringify(violateSchema(schema ?? {}, valid));
  const text = JSON.stringify(valid);
  if (corruption === "malformed-json") {
    // " ..." where a separator must be: the brackets still balance, so it looks complete, yet
    // neither JSON.parse nor Genkit's lenient JSON5 parser accepts it.
    return /[}\]]$/.test(text) ? `${text.slice(0, -1)} ...${text.slice(-1)}` : `[${text} ...]`;
  }
  return text;
}

/** A complete non-streamed answer carrying `text`. */
export function generateContentResponse(body: GenerateContentBody, model: string, text: string): GenerateContentResponse {
  return {
    candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: usageMetadata(body, text),
    modelVersion: model,
    responseId: responseIdOf(body),
  };
}

/** Pieces a streamed answer is cut into, so a client really receives more than one event. */
const streamPieces = 3;

/**
 * The events of a streamed answer carrying `text`: partial texts with the prompt's usage, the last
 * one with `finishReason` and the full usage, as Google's `alt=sse` stream does.
 */
export function streamResponses(body: GenerateContentBody, model: string, text: string): GenerateContentResponse[] {
  const pieceLength = Math.max(1, Math.ceil(text.length / streamPieces));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += pieceLength) pieces.push(text.slice(start, start + pieceLength));
  if (!pieces.length) pieces.push("");
  return pieces.map((piece, index) => {
    const last = index === pieces.length - 1;
    return {
      candidates: [
        { content: { parts: [{ text: piece }], role: "model" }, ...(last ? { finishReason: "STOP" } : {}), index: 0 },
      ],
      usageMetadata: last ? usageMetadata(body, text) : usageMetadata(body),
      modelVersion: model,
      responseId: responseIdOf(body),
    };
  });
}

/** Ratings with harassment rated high, the category that tripped the filter. */
const blockingSafetyRatings = [
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH", blocked: true },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "NEGLIGIBLE" },
];

/** HTTP 200 for a prompt the safety filter refused: `promptFeedback.blockReason`, no candidates. */
export function promptBlockedResponse(body: GenerateContentBody, model: string): GenerateContentResponse {
  return {
    promptFeedback: { blockReason: "SAFETY", safetyRatings: blockingSafetyRatings },
    usageMetadata: usageMetadata(body),
    modelVersion: model,
    responseId: responseIdOf(body),
  };
}

/** HTTP 200 for an answer the safety filter withheld: a candidate with `finishReason: "SAFETY"` and no content. */
export function answerBlockedResponse(body: GenerateContentBody, model: string): GenerateContentResponse {
  return {
    candidates: [{ finishReason: "SAFETY", index: 0, safetyRatings: blockingSafetyRatings }],
    usageMetadata: usageMetadata(body),
    modelVersion: model,
    responseId: responseIdOf(body),
  };
}
