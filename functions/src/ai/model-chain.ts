import type { GenerationUsage } from "genkit/model";
import type { AnsweredBy, TokenUsage } from "../contract";
import type { UpstreamCallFailure } from "../provider-apis/upstream-failure";
import type { AnsweredRequest } from "./price-table";

/**
 * The models one AI call may run on, in order (issue 19): the first choice (the user's model, else the
 * operator's) and then the provider's fallback list (GEMINI_FALLBACK_MODELS and the like), without repeats.
 */
export function modelChain(firstChoice: string, fallbacks: readonly string[]): string[] {
  return [...new Set([firstChoice, ...fallbacks].filter(Boolean))];
}

/** What a call does after a failed attempt: the next model, the same model again, or stop with the failure. */
export type NextStep = { next: "model"; why: "busy" | "retired" } | { next: "same" } | { next: "stop" };

/**
 * Pure: only what cannot have been billed moves on. A busy model (the provider's overloaded answer) and a
 * gone one (404) generated nothing: the call tries the next model, a busy one the same model again when no
 * other is left (busy passes). A server error (5xx) is asked once more of the same model. Anything else —
 * no answer in time, a cut or malformed answer, a refusal, a key or quota problem — stops: an attempt that
 * may have been billed is never repeated on another model, and a key problem is the same on every model.
 */
export function nextStep(failure: UpstreamCallFailure, { hasNextModel, attemptsLeft }: { hasNextModel: boolean; attemptsLeft: number }): NextStep {
  if (attemptsLeft <= 0) return { next: "stop" };
  switch (failure.kind) {
    case "model_busy":
      return hasNextModel ? { next: "model", why: "busy" } : { next: "same" };
    case "model_unavailable":
      return hasNextModel ? { next: "model", why: "retired" } : { next: "stop" };
    case "transient":
      return { next: "same" };
    default:
      return { next: "stop" };
  }
}

const noTokens = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, thinkingTokens: 0 });

/** The provider's usage as Genkit carries it, as our contract counts it; OpenRouter's cost from `custom.cost`. */
export function tokenUsageOf(usage: GenerationUsage | undefined): { usage: TokenUsage; reportedCostUsd?: number } {
  const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);
  const cost = usage?.custom?.cost;
  return {
    usage: { inputTokens: count(usage?.inputTokens), outputTokens: count(usage?.outputTokens), thinkingTokens: count(usage?.thoughtsTokens) },
    ...(typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? { reportedCostUsd: cost } : {}),
  };
}

/**
 * One call's walk along its model chain, shared by every model request of the call's flow (a malformed
 * answer's retry starts where the first request ended): where it is, which models it left and why, and
 * what every answered request reported. Lives in the call's action context beside its attempt budget.
 */
export class ModelChain {
  private position = 0;
  private readonly skipped: Array<{ model: string; why: "busy" | "retired" }> = [];
  readonly answers: AnsweredRequest[] = [];

  /** `chosen`: the user's own model choice, when the first model is theirs (a retired one is then cleared). */
  constructor(
    readonly models: readonly string[],
    readonly chosen?: string,
  ) {
    if (models.length === 0) throw new Error("A model chain needs a model");
  }

  get current(): string {
    return this.models[this.position];
  }

  get hasNext(): boolean {
    return this.position < this.models.length - 1;
  }

  /** Leaves the current model for the next one. */
  moveOn(why: "busy" | "retired"): void {
    this.skipped.push({ model: this.current, why });
    this.position += 1;
  }

  /** Records an answer of the current model (a malformed one too: it was billed). */
  answered(usage: GenerationUsage | undefined): void {
    this.answers.push({ model: this.current, ...tokenUsageOf(usage) });
  }

  /** The user's chosen model, when the provider said it is gone: to be cleared from their key's settings. */
  get retiredChoice(): string | undefined {
    return this.chosen !== undefined && this.skipped.some((skip) => skip.model === this.chosen && skip.why === "retired") ? this.chosen : undefined;
  }

  /** Tokens of every answered request, summed. */
  get usage(): TokenUsage {
    return this.answers.reduce(
      (sum, { usage }) => ({
        inputTokens: sum.inputTokens + usage.inputTokens,
        outputTokens: sum.outputTokens + usage.outputTokens,
        thinkingTokens: sum.thinkingTokens + usage.thinkingTokens,
      }),
      noTokens(),
    );
  }

  /** Which model answered and why it was not the first choice (without cost: the caller prices it). */
  answeredBy(choiceCleared: boolean): AnsweredBy {
    const first = this.skipped[0];
    return {
      model: this.current,
      ...(this.position > 0 && first
        ? { fallback: true as const, fallbackFrom: { model: first.model, why: first.why, ...(choiceCleared && first.model === this.chosen ? { choiceCleared: true as const } : {}) } }
        : {}),
      usage: this.usage,
    };
  }

  /** Genkit records the action context in its spans: this is what it shows of the chain. */
  toJSON(): { models: readonly string[]; current: string } {
    return { models: this.models, current: this.current };
  }
}
