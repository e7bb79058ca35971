import { context as otelContext } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { z, type ActionContext } from "genkit";
import type { GenerateRequest, GenerateResponseData } from "genkit/model";
import { providerInfo, type Provider } from "../providers";
import type { AppAttribution, GenerateOnce } from "../provider-apis/provider-api";
import { generatorFor } from "../provider-apis/registry";
import { UpstreamCallError } from "../provider-apis/upstream-failure";
import { reachedStep } from "./call-steps";
import { ai } from "./genkit";
import { ModelChain, modelChain, nextStep } from "./model-chain";
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from "./transient-retry";
import { UpstreamAttemptBudget } from "./upstream-attempts";

/**
 * A Genkit model that calls the caller's provider (Gemini, OpenAI, Anthropic or OpenRouter) with the caller's key.
 *
 * Why not simply `config: { apiKey }`? Genkit records every action's input — the generate request,
 * config included — as span attributes, so a key in the config is a key in every trace. The one part
 * of a call Genkit redacts is the action context's `secrets`. So the key travels there, this model's
 * own span records a request without it, and the key is handed to the provider's adapter
 * (provider-apis/<provider>/generate.ts) only here, at the last step, in a call whose own tracing is
 * suppressed. Upstream failures are caught inside this span and replaced by an UpstreamCallError that
 * carries only their classification.
 */

/** How a flow run reaches the provider: set by the callable, read only by this model. */
export interface ProviderCallSettings {
  provider: Provider;
  /** The caller's key (or the project's): lives in `context.secrets`, which Genkit redacts. */
  apiKey: string;
  /** The provider's model id, e.g. "gemini-flash-latest": the call's first choice. */
  model: string;
  /** Tried in order after `model` when it is busy or gone (GEMINI_FALLBACK_MODELS and the like). */
  fallbackModels?: readonly string[];
  /** Set when `model` is the user's own choice: a retired choice is then cleared by the caller. */
  chosenModel?: string;
  /**
   * The call's walk along `model` then `fallbackModels`, shared by every model call of its flow;
   * `providerCallContext` makes one per call unless given one (the caller keeps it to read the outcome).
   */
  chain?: ModelChain;
  /** The provider's API origin (providerApiBaseUrl). */
  baseUrl: string;
  /** The app's attribution, for providers that take one (OpenRouter). */
  attribution?: AppAttribution;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * Upstream requests the whole call may send, shared by every model call of its flow (transient
   * retries and the malformed-answer retry included). `providerCallContext` makes one per call.
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
 * The action context a flow run needs for its model calls (pass as `{ context }` to `flow.run`). Call it
 * once per callable invocation: it holds that call's budget of upstream attempts.
 */
export function providerCallContext(settings: ProviderCallSettings): ActionContext {
  const { apiKey, ...call } = settings;
  const chain = call.chain ?? new ModelChain(modelChain(call.model, call.fallbackModels ?? []), call.chosenModel);
  return { secrets: { apiKey }, upstream: { ...call, chain, budget: call.budget ?? new UpstreamAttemptBudget() } };
}

function readSettings(context: ActionContext | undefined): ProviderCallSettings & { budget: UpstreamAttemptBudget; chain: ModelChain } {
  const apiKey = (context?.secrets as { apiKey?: unknown } | undefined)?.apiKey;
  const call = context?.upstream as Omit<ProviderCallSettings, "apiKey"> | undefined;
  if (typeof apiKey !== "string" || !apiKey || !call?.model || !(call.budget instanceof UpstreamAttemptBudget) || !(call.chain instanceof ModelChain)) {
    // A flow run without a caller's key (e.g. from the Genkit developer UI) must not call a provider keyless.
    throw new UpstreamCallError({ kind: "key_invalid" });
  }
  return { apiKey, ...call, budget: call.budget, chain: call.chain };
}

/** The provider label of the current call, for progress messages ("Gemini's answer was incomplete…"). */
export function currentProviderLabel(): string {
  const provider = (ai.currentContext()?.upstream as { provider?: Provider } | undefined)?.provider;
  return provider ? providerInfo[provider].label : "The AI";
}

/**
 * Upstream attempts the current call has left (Infinity outside a call that set a budget). A flow asks
 * before it asks the provider again, so that a retry it cannot afford is not started.
 */
export function upstreamAttemptsLeft(): number {
  const budget = (ai.currentContext()?.upstream as { budget?: unknown } | undefined)?.budget;
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

export const userKeyModel = ai.defineModel(
  {
    name: "interviewAi/userKeyModel",
    label: "The caller's provider, on the caller's own key",
    apiVersion: "v2",
    configSchema: UserKeyModelConfigSchema,
    supports: { multiturn: true, systemRole: true, media: false, tools: false, output: ["text", "json"], constrained: "all" },
  },
  async (request, { context, abortSignal }) => {
    reachedStep("model");
    const { provider, apiKey, baseUrl, attribution, timeoutMs = defaultTimeoutMs, retry = defaultRetryPolicy, budget, chain, signal } = readSettings(context);
    const generateOnce = await generatorFor(provider);
    const requested = request.config;
    const bounded = { ...request, config: { temperature: requested?.temperature } };
    const outputCap = Math.min(requested?.maxOutputTokens ?? maxOutputTokens, maxOutputTokens);
    const callerGone = () => signal?.aborted === true || abortSignal.aborted;

    let retriesOfModel = 0;
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (callerGone()) throw new UpstreamCallError({ kind: "cancelled" });
      // A flow checks upstreamAttemptsLeft() before asking again, so this holds unless a flow forgot to.
      if (!budget.take()) throw new UpstreamCallError({ kind: "unexpected" });
      try {
        const data = await attempt(generateOnce, bounded, {
          apiKey,
          model: chain.current,
          baseUrl,
          attribution,
          maxOutputTokens: outputCap,
          timeoutMs,
          signals: [signal, abortSignal],
        });
        chain.answered(data.usage);
        return data;
      } catch (error) {
        if (!(error instanceof UpstreamCallError) || callerGone() || attemptNumber >= retry.maxAttempts) throw error;
        // Only what cannot have been billed is asked again (model-chain.ts): a busy or gone model moves on to
        // the next model, a server error is retried; a request that got no answer is never sent a second time.
        const step = nextStep(error.failure, { hasNextModel: chain.hasNext, attemptsLeft: budget.remaining });
        if (step.next === "stop") throw error;
        if (step.next === "model") {
          chain.moveOn(step.why);
          retriesOfModel = 0;
          continue;
        }
        retriesOfModel += 1;
        await sleep(backoffDelayMs(retry, retriesOfModel, Math.random()));
      }
    }
  },
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * One request to the provider, cut at `timeoutMs` or as soon as a caller's signal aborts. Which of the
 * two cut it is known here, and decides the failure: `cancelled` (stop) or `no_answer` (never retried).
 */
async function attempt(
  generateOnce: GenerateOnce,
  request: GenerateRequest,
  call: {
    apiKey: string;
    model: string;
    baseUrl: string;
    attribution?: AppAttribution;
    maxOutputTokens: number;
    timeoutMs: number;
    signals: Array<AbortSignal | undefined>;
  },
): Promise<GenerateResponseData> {
  const cut = new AbortController();
  let cancelled = false;
  const onCallerGone = () => {
    cancelled = true;
    cut.abort();
  };
  const deadline = setTimeout(() => cut.abort(), call.timeoutMs);
  for (const signal of call.signals) signal?.addEventListener("abort", onCallerGone, { once: true });
  try {
    const { apiKey, model, baseUrl, attribution, maxOutputTokens } = call;
    return await untraced(() => generateOnce(request, { apiKey, model, baseUrl, maxOutputTokens, abortSignal: cut.signal, ...(attribution ? { attribution } : {}) }));
  } catch (error) {
    if (cancelled) throw new UpstreamCallError({ kind: "cancelled" });
    if (cut.signal.aborted) throw new UpstreamCallError({ kind: "no_answer" });
    // Anything the adapter did not classify is a request that got no answer (a network failure).
    throw error instanceof UpstreamCallError ? error : new UpstreamCallError({ kind: "no_answer" });
  } finally {
    clearTimeout(deadline);
    for (const signal of call.signals) signal?.removeEventListener("abort", onCallerGone);
  }
}
