import { GenerationBlockedError, GenkitError } from "genkit";
import type { z } from "zod";
import { UpstreamCallError } from "../../provider-apis/upstream-failure";
import { ai } from "../genkit";
import type { Progress } from "../schemas";
import { currentProviderLabel, upstreamAttemptsLeft, userKeyModel } from "../user-key-model";

/** The model answered twice with something that does not fit the schema. Never returned half-parsed. */
export class MalformedAnswerError extends Error {
  constructor() {
    super("The model's answer did not match the expected schema twice in a row");
    this.name = "MalformedAnswerError";
  }
}

export interface StructuredAnswerRequest<Schema extends z.ZodTypeAny> {
  system: string;
  prompt: string;
  /** The shape the answer must have; sent to the provider as its response schema and checked here again. */
  schema: Schema;
  /** Progress message while generating, e.g. "Writing 5 questions…". */
  generatingMessage: string;
  sendChunk: (progress: Progress) => void;
}

/**
 * One structured generation on the user-key model: the answer is validated against `schema`; a
 * malformed answer (unparseable, or valid JSON of the wrong shape) is asked for once more if the call
 * has an upstream attempt left (transient retries draw from the same budget), then reported as
 * MalformedAnswerError. A safety block or refusal is an UpstreamCallError of kind "blocked".
 */
export async function generateStructuredAnswer<Schema extends z.ZodTypeAny>(request: StructuredAnswerRequest<Schema>): Promise<z.output<Schema>> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (attempt > 1 && upstreamAttemptsLeft() === 0) break;
    request.sendChunk(
      attempt === 1
        ? { step: "generating", message: request.generatingMessage }
        : { step: "retrying", message: `${currentProviderLabel()}'s answer was incomplete; asking again…` },
    );
    let output: unknown;
    try {
      const response = await ai.generate({
        model: userKeyModel,
        system: request.system,
        prompt: request.prompt,
        // No sampling parameters: Gemini deprecated them (changelog 2026-07-21) and advises the default
        // for Gemini 3, Anthropic's API version refuses them, GPT-5/6 take only the default.
        output: { schema: request.schema },
      });
      output = response.output;
    } catch (error) {
      if (error instanceof GenerationBlockedError) throw new UpstreamCallError({ kind: "blocked" });
      if (!isMalformedAnswer(error)) throw error;
      continue;
    }
    const parsed = request.schema.safeParse(output);
    // On a generic Schema, zod types the parsed data as ZodTypeAny's output (any); it is Schema's output.
    if (parsed.success) return parsed.data as z.output<Schema>;
  }
  throw new MalformedAnswerError();
}

/**
 * Errors Genkit raises after the model answered, while parsing or validating that answer against the
 * output schema. Errors of the call itself are UpstreamCallErrors and pass through.
 */
function isMalformedAnswer(error: unknown): boolean {
  if (error instanceof UpstreamCallError) return false;
  return error instanceof SyntaxError || (error instanceof GenkitError && error.status === "INVALID_ARGUMENT");
}
