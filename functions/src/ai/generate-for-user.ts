import type { ActionContext } from "genkit";
import { allowDefaultKey, defaultGeminiApiKey, defaultKeyDailyCap, defaultKeyProjectDailyBudget, geminiModel } from "../config";
import { AppError, aiUnavailable, defaultKeyOutOfQuota, invalidInput, keyInvalid, modelUnavailable, quotaExceeded } from "../errors";
import { countOwnKeyCall } from "../keys/key-usage";
import * as logs from "../logs";
import { isRetiredKeyShape } from "../providers";
import { consumeRateLimit } from "../rate-limit";
import { sharedKeyGuard, type SharedKeyGuard } from "../shared-key-budget";
import { defaultVault, type ApiKeyVault } from "../vault/api-key-vault";
import { resolveCallerKey, type CallerAccount, type CallerKey, type DefaultKeyPolicy, type OwnKeyPolicy } from "./caller-key";
import { GeminiCallError } from "./gemini-call-error";
import { answerFeedbackFlow } from "./flows/answer-feedback";
import { interviewQuestionsFlow } from "./flows/interview-questions";
import { MalformedAnswerError } from "./flows/structured-answer";
import type {
  GenerateFeedbackInput,
  GenerateFeedbackResult,
  GenerateQuestionsInput,
  GenerateQuestionsResult,
  KeySource,
  Progress,
} from "./schemas";
import { telemetryReady } from "./genkit";
import { geminiCallContext, type GeminiCallSettings } from "./user-key-model";

/**
 * What the AI callables run, loaded by them lazily (`await import`), so that Genkit and the Gemini
 * plugin load only in instances that serve AI calls. Resolves whose key pays, runs the flow on it,
 * keeps the key's status current and turns every failure into a reason the user can act on.
 */

export type ProgressSink = (progress: Progress) => void;

/** Who asked for a generation, as the callable knows them. */
export interface AiCaller {
  uid: string;
  /** From the ID token: decides whether the app's shared key may be used for them. */
  account: CallerAccount;
  progress: ProgressSink;
  /** Aborted when the client disconnects: the request in flight is cut and Gemini is asked nothing more. */
  signal?: AbortSignal;
}

/**
 * What a generation reaches beyond Genkit, passed in so that the orchestration runs in a unit test
 * without Firestore, KMS or params. The callables pass nothing and get `deployedGenerationDeps()`.
 */
export interface GenerationDeps {
  vault: Pick<ApiKeyVault, "readApiKey" | "recordFailedUse" | "recordUse">;
  defaultKey: DefaultKeyPolicy;
  /** The user's own key's daily count (key-call-limits.ts). */
  ownKey: OwnKeyPolicy;
  /** The shared key's breaker, told about Google's 429s on it (shared-key-budget.ts). */
  sharedKey: Pick<SharedKeyGuard, "recordQuotaFailure">;
  /** GEMINI_MODEL. */
  model: string;
  /**
   * Per-attempt timeout and transient retry of each Gemini call; the user-key model's defaults when
   * absent. The call's budget of upstream attempts is not among them: each call gets its own.
   */
  call?: Pick<GeminiCallSettings, "timeoutMs" | "retry">;
}

/** The instance's vault, the deployed params and the Firestore counters; params are read here, per call. */
export function deployedGenerationDeps(): GenerationDeps {
  const sharedKey = sharedKeyGuard();
  return {
    vault: defaultVault(),
    defaultKey: {
      allowed: allowDefaultKey.value(),
      dailyCap: defaultKeyDailyCap.value(),
      readKey: () => defaultGeminiApiKey.value(),
      consumeAllowance: async (user, dailyCap) => {
        await consumeRateLimit({ uid: user, bucket: "default-key-daily", limit: dailyCap, windowSeconds: 86_400 });
      },
      project: {
        ensureClosed: () => sharedKey.ensureClosed(),
        consumeBudget: () => sharedKey.consumeBudget(defaultKeyProjectDailyBudget.value()),
      },
    },
    ownKey: { countCall: countOwnKeyCall },
    sharedKey,
    model: geminiModel.value(),
  };
}

const provider = "googleai";

export async function generateQuestionsForUser(
  caller: AiCaller,
  input: GenerateQuestionsInput,
  deps?: GenerationDeps,
): Promise<GenerateQuestionsResult> {
  const { result, keySource } = await runOnCallerKey(caller, "interviewQuestions", deps, (context) =>
    interviewQuestionsFlow.run(input, { context, onChunk: caller.progress }),
  );
  return { ...result, keySource, provider };
}

export async function generateFeedbackForUser(
  caller: AiCaller,
  input: GenerateFeedbackInput,
  deps?: GenerationDeps,
): Promise<GenerateFeedbackResult> {
  const { result, keySource } = await runOnCallerKey(caller, "answerFeedback", deps, (context) =>
    answerFeedbackFlow.run(input, { context, onChunk: caller.progress }),
  );
  return { ...result, keySource, provider };
}

async function runOnCallerKey<Result>(
  { uid, account, progress, signal }: AiCaller,
  flow: string,
  givenDeps: GenerationDeps | undefined,
  run: (context: ActionContext) => Promise<{ result: Result }>,
): Promise<{ result: Result; keySource: KeySource }> {
  // Telemetry, and with it the key policy in front of Genkit's log sink, is in place before any flow runs.
  await telemetryReady;
  const { vault, defaultKey, ownKey, sharedKey, model, call } = givenDeps ?? deployedGenerationDeps();
  const callerKey = await resolveCallerKey({ uid, account }, vault, defaultKey, ownKey);
  progress(
    callerKey.keySource === "user"
      ? { step: "key", message: "Using your Gemini API key." }
      : { step: "key", message: "Using the app's shared Gemini key." },
  );

  let result: Result;
  try {
    // One context per call: it carries the call's budget of upstream attempts and the client's signal.
    ({ result } = await run(geminiCallContext({ ...call, apiKey: callerKey.apiKey, model, signal })));
  } catch (error) {
    throw await failureFor(error, { uid, flow, model, callerKey, vault, sharedKey });
  }
  logs.aiGeneration(uid, flow, callerKey.keySource, "ok");
  if (callerKey.keySource === "user") await bestEffort(uid, "recordUse", () => vault.recordUse(uid, provider, callerKey.keyId));
  return { result, keySource: callerKey.keySource };
}

/** The AppError a failed generation becomes, after recording what it says about the stored key. */
async function failureFor(
  error: unknown,
  { uid, flow, model, callerKey, vault, sharedKey }: { uid: string; flow: string; model: string; callerKey: CallerKey; vault: GenerationDeps["vault"]; sharedKey: GenerationDeps["sharedKey"] },
): Promise<unknown> {
  const { keySource } = callerKey;
  const recordFailedUse = (verdict: "rejected_by_provider" | "quota_exhausted") =>
    callerKey.keySource === "user"
      ? bestEffort(uid, "recordFailedUse", () => vault.recordFailedUse(uid, provider, callerKey.keyId, verdict))
      : Promise.resolve();
  if (error instanceof MalformedAnswerError) {
    logs.aiGeneration(uid, flow, keySource, "malformed");
    return aiUnavailable("Gemini's answer could not be used. Try again in a moment.");
  }
  if (!(error instanceof GeminiCallError)) return error;

  const failure = error.failure;
  logs.aiGeneration(uid, flow, keySource, failure.kind);
  switch (failure.kind) {
    case "key_invalid":
      if (keySource === "default") {
        logs.defaultKeyRejected("key_invalid");
        return new AppError("AI_UNAVAILABLE", "The app's shared Gemini key is not working right now. Add your own key in Settings, or try again later.", {
          action: "settings",
        });
      }
      await recordFailedUse("rejected_by_provider");
      return keyInvalid("using", isRetiredKeyShape(provider, callerKey.apiKey));
    case "quota":
      if (keySource === "default") {
        logs.defaultKeyRejected("quota");
        // Sustained 429s open the shared key's breaker, so that nobody's call keeps asking Google meanwhile.
        await sharedKey.recordQuotaFailure(failure.retryAfterSeconds);
        return defaultKeyOutOfQuota(failure.retryAfterSeconds);
      }
      await recordFailedUse("quota_exhausted");
      return quotaExceeded(failure.retryAfterSeconds);
    case "model_unavailable":
      // The operator's configuration or Google's catalogue: the key's state stays as it is.
      logs.modelUnavailable(model, "generation");
      return modelUnavailable(model, "using");
    case "blocked":
      return invalidInput("Gemini declined to answer because of its safety settings. Rephrase your input and try again.");
    case "no_answer":
      return aiUnavailable("Gemini did not answer in time. It was not asked again, so nothing is charged twice; try again in a moment.");
    case "cancelled":
      // The client is gone and will not read this; it only ends the handler without an "unexpected error".
      return aiUnavailable("The request was cancelled.");
    case "transient":
    case "unexpected":
      return aiUnavailable();
  }
}

/** Status bookkeeping must not turn a generation the user already paid for into a failure. */
async function bestEffort(uid: string, operation: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logs.keyBookkeepingFailed(uid, provider, operation, error);
  }
}
