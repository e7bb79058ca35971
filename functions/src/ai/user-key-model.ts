import { context as otelContext } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { z, type ActionContext } from "genkit";
import type { ModelAction } from "genkit/model";
import { GeminiCallError, classifyPluginError } from "./gemini-call-error";
import { ai } from "./genkit";
import { defaultRetryPolicy, withTransientRetry, type RetryPolicy } from "./transient-retry";
import { UpstreamAttemptBudget } from "./upstream-attempts";

/**
 * A Genkit model that calls Gemini (through the googleAI plugin) with the key of whoever is calling.
 *
 * Why not simply `config: { apiKey }`? Genkit records every action's input — the generate request,
 * config included — as span attributes, so a key in the config is a key in every trace. The one part
 * of a call Genkit redacts is the action context's `secrets`. So the key travels there, this model's
 * own span records a request without it, and the key is put into the plugin's request only here, at
 * the last step, in a call whose own tracing is suppressed. Upstream failures are caught inside this
 * span and replaced by a GeminiCallError that carries only their classification.
 */

/** How a flow run reaches Gemini: set by the callable, read only by this model. */
export interface GeminiCallSettings {
  /** The caller's key (or the project's): lives in `context.secrets`, which Genkit redacts. */
  apiKey: string;
  /** Gemini model id, e.g. "gemini-flash-latest". */
  model: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * Upstream requests the whole call may send, shared by every model call of its flow (transient
   * retries and the malformed-answer retry included). `geminiCallContext` makes one per call.
   */
  budget?: UpstreamAttemptBudget;
  /** Aborted when the caller goes away (the callable's client disconnect): the request in flight is cut. */
  signal?: AbortSignal;
}

/** Per attempt: three attempts stay within the callables' 180 s timeout. */
const defaultTimeoutMs = 25_000;

/**
 * Our longest answer (feedback on ten answers) is about 3,000 tokens of JSON; the cap leaves room for
 * that plus bounded thinking, and stops a runaway answer from costing the user more than that.
 */
export const maxOutputTokens = 8_192;

/**
 * Gemini 3 models think by default, at their highest level, and the thinking is billed as output.
 * Structured questions and feedback need little of it. Gemini 3 takes a level; 2.5 models (still
 * selectable through GEMINI_MODEL) take a token budget instead, and Google refuses a request with both.
 */
export function thinkingConfigFor(model: string): { thinkingLevel: "LOW" } | { thinkingBudget: number } {
  return /^gemini-2\./.test(model) ? { thinkingBudget: 1_024 } : { thinkingLevel: "LOW" };
}

/**
 * The action context a flow run needs for its model calls (pass as `{ context }` to `flow.run`). Call it
 * once per callable invocation: it holds that call's budget of upstream attempts.
 */
export function geminiCallContext(settings: GeminiCallSettings): ActionContext {
  const { apiKey, ...call } = settings;
  return { secrets: { apiKey }, gemini: { ...call, budget: call.budget ?? new UpstreamAttemptBudget() } };
}

function readSettings(context: ActionContext | undefined): GeminiCallSettings & { budget: UpstreamAttemptBudget } {
  const apiKey = (context?.secrets as { apiKey?: unknown } | undefined)?.apiKey;
  const call = context?.gemini as Omit<GeminiCallSettings, "apiKey"> | undefined;
  if (typeof apiKey !== "string" || !apiKey || !call?.model || !(call.budget instanceof UpstreamAttemptBudget)) {
    // A flow run without a caller's key (e.g. from the Genkit developer UI) must not call Gemini keyless.
    throw new GeminiCallError({ kind: "key_invalid" });
  }
  return { apiKey, ...call, budget: call.budget };
}

/**
 * Upstream attempts the current call has left (Infinity outside a call that set a budget). A flow asks
 * before it asks Gemini again, so that a retry it cannot afford is not started.
 */
export function upstreamAttemptsLeft(): number {
  const budget = (ai.currentContext()?.gemini as { budget?: unknown } | undefined)?.budget;
  return budget instanceof UpstreamAttemptBudget ? budget.remaining : Infinity;
}

/** Runs `work` with OpenTelemetry tracing off: Genkit's spans inside it are not recorded or exported. */
function untraced<T>(work: () => Promise<T>): Promise<T> {
  return otelContext.with(suppressTracing(otelContext.active()), work);
}

const UserKeyModelConfigSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();

export const userKeyGemini = ai.defineModel(
  {
    name: "interviewAi/userKeyGemini",
    label: "Gemini on the caller's own key",
    apiVersion: "v2",
    configSchema: UserKeyModelConfigSchema,
    supports: { multiturn: true, systemRole: true, media: false, tools: false, output: ["text", "json"], constrained: "all" },
  },
  async (request, { context, abortSignal }) => {
    const { apiKey, model, timeoutMs = defaultTimeoutMs, retry = defaultRetryPolicy, budget, signal } = readSettings(context);
    const gemini = (await ai.registry.lookupAction(`/model/googleai/${model}`)) as ModelAction | undefined;
    if (!gemini) throw new GeminiCallError({ kind: "unexpected" });
    const requested = request.config;
    // No `timeout` for the plugin: each attempt's deadline is ours (below), so we know when it fired.
    const keyedRequest = {
      ...request,
      config: {
        ...requested,
        maxOutputTokens: Math.min(requested?.maxOutputTokens ?? maxOutputTokens, maxOutputTokens),
        thinkingConfig: thinkingConfigFor(model),
        apiKey,
      },
    };
    const callerGone = () => signal?.aborted === true || abortSignal.aborted;

    return withTransientRetry(
      async () => {
        if (callerGone()) throw new GeminiCallError({ kind: "cancelled" });
        // A flow checks upstreamAttemptsLeft() before asking again, so this holds unless a flow forgot to.
        if (!budget.take()) throw new GeminiCallError({ kind: "unexpected" });
        return attempt(gemini, keyedRequest, { timeoutMs, signals: [signal, abortSignal] });
      },
      // Only what Google answered with a server error is retried, and only within the call's budget: a
      // request that got no answer may have been generated and billed, so it is not sent a second time.
      (error) => error instanceof GeminiCallError && error.failure.kind === "transient" && budget.remaining > 0 && !callerGone(),
      retry,
    );
  },
);

/**
 * One request to Gemini, cut at `timeoutMs` or as soon as a caller's signal aborts. Which of the two
 * cut it is known here, and decides the failure: `cancelled` (stop) or `no_answer` (never retried).
 */
async function attempt(
  gemini: ModelAction,
  keyedRequest: Parameters<ModelAction>[0],
  { timeoutMs, signals }: { timeoutMs: number; signals: Array<AbortSignal | undefined> },
) {
  const cut = new AbortController();
  let cancelled = false;
  const onCallerGone = () => {
    cancelled = true;
    cut.abort();
  };
  const deadline = setTimeout(() => cut.abort(), timeoutMs);
  for (const signal of signals) signal?.addEventListener("abort", onCallerGone, { once: true });
  try {
    return await untraced(() => gemini(keyedRequest, { abortSignal: cut.signal }));
  } catch (error) {
    if (cancelled) throw new GeminiCallError({ kind: "cancelled" });
    if (cut.signal.aborted) throw new GeminiCallError({ kind: "no_answer" });
    throw new GeminiCallError(classifyPluginError(error));
  } finally {
    clearTimeout(deadline);
    for (const signal of signals) signal?.removeEventListener("abort", onCallerGone);
  }
}
