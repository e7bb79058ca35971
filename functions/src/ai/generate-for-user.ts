import type { ActionContext } from "genkit";
import {
  allowDefaultKey,
  defaultGeminiApiKey,
  defaultKeyDailyCap,
  defaultKeyProjectDailyBudget,
  fallbackModelsFor,
  modelFor,
  openRouterAppName,
  openRouterAppUrl,
  providerApiBaseUrl,
  sharedKeyIdentitySecret,
} from "../config";
import {
  AppError,
  aiUnavailable,
  defaultKeyOutOfQuota,
  keyInvalid,
  blockedContent,
  keyMissing,
  keyNotPermitted,
  modelUnavailable,
  providerRateLimited,
  quotaExceeded,
} from "../errors";
import type { AnsweredBy, CallCost, GenerateFeedbackResult, GenerateQuestionsResult, TokenUsage } from "../contract";
import { countOwnKeyCall, recordOwnKeyTokens } from "../keys/key-usage";
import { currentKeyCredit } from "../keys/verify-key";
import type { AppAttribution, KeyCredit } from "../provider-apis/provider-api";
import * as logs from "../logs";
import { UpstreamCallError } from "../provider-apis/upstream-failure";
import { isRetiredKeyShape, providerInfo, type Provider } from "../providers";
import { consumeRateLimit } from "../limits/rate-limit";
import { sharedKeyGuard, type SharedKeyGuard } from "../limits/shared-key-budget";
import { defaultPracticeHistory, type PracticeDraft, type PracticeHistory } from "../practices/practice-history";
import type { ProducedBy } from "../practices/schemas";
import { defaultVault, type ApiKeyVault } from "../vault/api-key-vault";
import { ModelChain, modelChain } from "./model-chain";
import { costOf } from "./price-table";
import { resolveCallerKey, type CallerAccount, type CallerKey, type DefaultKeyPolicy, type OwnKeyPolicy } from "./caller-key";
import { sharedKeyIdentity } from "./shared-key-identity";
import { MalformedAnswerError } from "./flows/structured-answer";
import type {
  GenerateFeedbackInput,
  GenerateQuestionsInput,
  PaidBy,
  Progress,
} from "./schemas";
import { reachedStep } from "./call-steps";
import { telemetryReady } from "./genkit";
import { providerCallContext, type ProviderCallSettings } from "./user-key-model";

/**
 * What the AI callables run, loaded by them lazily (`await import`), so that Genkit and the provider
 * SDKs load only in instances that serve AI calls. Resolves whose key pays, runs the flow on it,
 * keeps the key's status current and turns every failure into a reason the user can act on.
 */

export type ProgressSink = (progress: Progress) => void;

/** Who asked for a generation, as the callable knows them. */
export interface AiCaller {
  uid: string;
  /** From the ID token: decides whether the app's shared key may be used for them. */
  account: CallerAccount;
  progress: ProgressSink;
  /** Aborted when the client disconnects: the request in flight is cut and the provider is asked nothing more. */
  signal?: AbortSignal;
  /**
   * Rejects (SESSION_ENDED) when the account was deleted, disabled or signed out since its ID token: the
   * callable starts the check beside the key read, and nothing is spent before it has resolved.
   */
  accountActive?: Promise<void>;
  /**
   * Resolves once the call's per-minute limit let it through (rejects with its refusal): the key's record
   * is read beside it, the key decrypted only after it (caller-key.ts).
   */
  admitted?: Promise<unknown>;
}

/**
 * What a generation reaches beyond Genkit, passed in so that the orchestration runs in a unit test
 * without Firestore, KMS or params. The callables pass nothing and get `deployedGenerationDeps()`.
 */
export interface GenerationDeps {
  vault: Pick<ApiKeyVault, "readApiKey" | "readPreferredApiKey" | "recordFailedUse" | "recordUse">;
  defaultKey: DefaultKeyPolicy;
  /** The user's own key's daily count (key-call-limits.ts). */
  ownKey: OwnKeyPolicy;
  /** The shared key's breaker, told about Google's 429s on it (limits/shared-key-budget.ts). */
  sharedKey: Pick<SharedKeyGuard, "recordQuotaFailure">;
  /**
   * The model and API origin for a provider: GEMINI_MODEL, OPENAI_MODEL, ANTHROPIC_MODEL, OPENROUTER_MODEL
   * and their endpoints; and the app's attribution where the provider takes one (OpenRouter).
   */
  upstream: (provider: Provider) => { model: string; fallbackModels?: readonly string[]; baseUrl: string; attribution?: AppAttribution };
  /**
   * Today's tokens and cost of the user's key (keys/key-usage.ts), told once per call that got an answer,
   * beside the call's other bookkeeping. Absent: not recorded.
   */
  recordTokens?: (uid: string, provider: Provider, usage: TokenUsage, cost: CallCost | undefined) => Promise<void>;
  /** Clears the user's model choice the provider retired (the vault's clearRetiredModel); absent: kept. */
  clearRetiredModel?: (uid: string, provider: Provider, keyId: string, model: string) => Promise<boolean>;
  /**
   * The key's credit as its provider reports it after a call (OpenRouter's key endpoint), for providers
   * that report one; undefined otherwise or when it could not be read. Absent: credit is not read.
   */
  keyCredit?: (provider: Provider, apiKey: string) => Promise<KeyCredit | undefined>;
  /**
   * Per-attempt timeout and transient retry of each provider call; the user-key model's defaults when
   * absent. The call's budget of upstream attempts is not among them: each call gets its own.
   */
  call?: Pick<ProviderCallSettings, "timeoutMs" | "retry">;
  /** Where each practice is saved (practice-history.ts); absent: nothing is saved. */
  practices?: PracticeHistory;
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
      consumeAllowance: async (_uid, dailyCap, account) => {
        // Counted per verified address, so a deleted and recreated account does not start a fresh cap.
        const secret = sharedKeyIdentitySecret.value();
        if (!secret || !account.email) {
          logs.sharedKeyIdentityUnavailable(secret ? "no_email" : "no_secret");
          throw keyMissing();
        }
        const identity = sharedKeyIdentity(account.email, secret);
        await consumeRateLimit({ uid: identity, collection: "sharedKeyAllowance", bucket: "default-key-daily", limit: dailyCap, windowSeconds: 86_400 });
      },
      project: {
        ensureClosed: () => sharedKey.ensureClosed(),
        consumeBudget: () => sharedKey.consumeBudget(defaultKeyProjectDailyBudget.value()),
      },
    },
    ownKey: { countCall: countOwnKeyCall },
    sharedKey,
    upstream: (provider) => ({
      model: modelFor(provider),
      fallbackModels: fallbackModelsFor(provider),
      baseUrl: providerApiBaseUrl(provider),
      ...(provider === "openrouter" ? { attribution: { url: openRouterAppUrl.value(), title: openRouterAppName.value() } } : {}),
    }),
    keyCredit: currentKeyCredit,
    practices: defaultPracticeHistory(),
    recordTokens: recordOwnKeyTokens,
    clearRetiredModel: (uid, provider, keyId, model) => defaultVault().clearRetiredModel(uid, provider, keyId, model),
  };
}

/**
 * Each flow is defined (registered with Genkit, its schemas attached) on its first call: an instance
 * serves one callable, so it defines only that callable's flow.
 */
let questionsFlow: Promise<typeof import("./flows/interview-questions.js")> | undefined;
let feedbackFlow: Promise<typeof import("./flows/answer-feedback.js")> | undefined;

export async function generateQuestionsForUser(
  caller: AiCaller,
  { provider, ...input }: GenerateQuestionsInput,
  deps?: GenerationDeps,
): Promise<GenerateQuestionsResult> {
  const { interviewQuestionsFlow } = await (questionsFlow ??= import("./flows/interview-questions.js"));
  const { result, paidBy, answeredBy, practiceId } = await runOnCallerKey(
    caller,
    provider,
    "interviewQuestions",
    deps,
    (context) => interviewQuestionsFlow.run(input, { context, onChunk: caller.progress }),
    { save: (draft, questions, producedBy) => draft.saveQuestions(input, questions, producedBy) },
  );
  return { ...result, ...paidBy, ...answeredBy, ...(practiceId && { practiceId }) };
}

export async function generateFeedbackForUser(
  caller: AiCaller,
  { provider, practiceId: named, ...input }: GenerateFeedbackInput,
  deps?: GenerationDeps,
): Promise<GenerateFeedbackResult> {
  const { answerFeedbackFlow } = await (feedbackFlow ??= import("./flows/answer-feedback.js"));
  const { result, paidBy, answeredBy, practiceId } = await runOnCallerKey(
    caller,
    provider,
    "answerFeedback",
    deps,
    (context) => answerFeedbackFlow.run(input, { context, onChunk: caller.progress }),
    { practiceId: named, save: (draft, feedback, producedBy) => draft.saveAttempt(input, feedback, producedBy) },
  );
  return { ...result, ...paidBy, ...answeredBy, ...(practiceId && { practiceId }) };
}

/**
 * How a call keeps its practice: the practice it adds to (checked to be the caller's before the provider is
 * asked, beside the key's read), and the one write that saves the result, beside the usage bookkeeping.
 */
interface PracticeSave<Result> {
  practiceId?: string;
  save: (draft: PracticeDraft, result: Result, producedBy: ProducedBy) => Promise<string | undefined>;
}

async function runOnCallerKey<Result>(
  { uid, account, progress, signal, accountActive, admitted }: AiCaller,
  requested: Provider | undefined,
  flow: string,
  givenDeps: GenerationDeps | undefined,
  run: (context: ActionContext) => Promise<{ result: Result }>,
  practice: PracticeSave<Result>,
): Promise<{ result: Result; paidBy: PaidBy; answeredBy: AnsweredBy; practiceId?: string }> {
  const { vault, defaultKey, ownKey, sharedKey, upstream, call, keyCredit, practices, recordTokens, clearRetiredModel: clearRetired } =
    givenDeps ?? deployedGenerationDeps();
  const draft = practices?.begin(uid, practice.practiceId);
  // The key's read starts at once, beside the commit that counts the call (started by the callable): if it
  // started later it would end later, and the provider would wait for it. Telemetry, and with it the key
  // policy in front of Genkit's log sink, is in place before the flow runs.
  const [callerKey] = await Promise.all([
    resolveCallerKey({ uid, account, accountActive, admitted }, requested, vault, defaultKey, ownKey),
    draft?.ready,
    telemetryReady,
  ]);
  // The account check ran beside the key read; nothing is sent to a provider before it has passed.
  await accountActive;
  const { provider, keySource } = callerKey;
  const { label } = providerInfo[provider];
  progress(
    keySource === "user" ? { step: "key", message: `Using your ${label} API key.` } : { step: "key", message: `Using the app's shared ${label} key.` },
  );

  const { model: operatorModel, fallbackModels = [], baseUrl, attribution } = upstream(provider);
  // The user's own model choice first, then the operator's, then the provider's fallbacks (model-chain.ts).
  const chosenModel = callerKey.keySource === "user" ? callerKey.model : undefined;
  const chain = new ModelChain(modelChain(chosenModel ?? operatorModel, [operatorModel, ...fallbackModels]), chosenModel);
  const model = chain.models[0];
  // The key's credit as the provider reports it once the call is over (OpenRouter), kept with the key's
  // bookkeeping in the same write. Asked once per call, never polled; a failure to read it keeps the old figure.
  const creditAfterCall = () =>
    keySource === "user" && keyCredit ? keyCredit(provider, callerKey.apiKey).catch(() => undefined) : Promise.resolve(undefined);
  /** The call's tokens and cost, on the user's key's figures for today (never the shared key's). */
  const bookTokens = (): Promise<void> | undefined => {
    if (callerKey.keySource !== "user" || !recordTokens || chain.answers.length === 0) return undefined;
    return bestEffort(uid, provider, "recordTokens", () => recordTokens(uid, provider, chain.usage, costOf(provider, chain.answers)));
  };

  /** Clears the user's model choice when the provider said it is gone; true when it was cleared. */
  const clearRetiredChoice = async (error: unknown): Promise<boolean> => {
    const goneNow = error instanceof UpstreamCallError && error.failure.kind === "model_unavailable" && chain.current === chosenModel;
    const retired = chain.retiredChoice ?? (goneNow ? chosenModel : undefined);
    if (callerKey.keySource !== "user" || !retired || !clearRetired) return false;
    let cleared = false;
    await bestEffort(uid, provider, "clearRetiredModel", async () => {
      cleared = await clearRetired(uid, provider, callerKey.keyId, retired);
    });
    return cleared;
  };
  let result: Result;
  try {
    // One context per call: it carries the call's budget of upstream attempts and the client's signal.
    reachedStep("flow");
    ({ result } = await run(providerCallContext({ ...call, provider, apiKey: callerKey.apiKey, model, baseUrl, signal, chain, ...(attribution ? { attribution } : {}) })));
  } catch (error) {
    const failure = await failureFor(error, { uid, flow, model: chain.current, firstModel: chain.models[0], callerKey, vault, sharedKey, creditAfterCall });
    // What was answered before the failure (a malformed answer) was billed, and a retired choice stays retired.
    await Promise.all([bookTokens(), clearRetiredChoice(error)]);
    throw failure;
  }
  logs.aiGeneration(uid, flow, keySource, provider, "ok");
  // The practice's write (best effort, like the usage) goes out beside the usage's, the tokens' and a retired
  // choice's clearing: one round trip for all of them.
  const [practiceId, , , choiceCleared] = await Promise.all([
    draft ? practice.save(draft, result, { provider, model: chain.current, keySource }) : undefined,
    callerKey.keySource === "user"
      ? bestEffort(uid, provider, "recordUse", async () => vault.recordUse(uid, provider, callerKey.keyId, await creditAfterCall()))
      : undefined,
    bookTokens(),
    clearRetiredChoice(undefined),
  ]);
  const cost = costOf(provider, chain.answers);
  const answeredBy = chain.answeredBy(choiceCleared);
  return { result, paidBy: { keySource, provider }, answeredBy: { ...answeredBy, usage: { ...chain.usage, ...(cost ? { cost } : {}) } }, ...(practiceId && { practiceId }) };
}

/** The AppError a failed generation becomes, after recording what it says about the stored key. */
async function failureFor(
  error: unknown,
  {
    uid,
    flow,
    model,
    firstModel,
    callerKey,
    vault,
    sharedKey,
    creditAfterCall,
  }: {
    uid: string;
    flow: string;
    /** The model whose failure ended the call (the chain's last tried). */
    model: string;
    /** The model the call was for (the chain's first). */
    firstModel: string;
    callerKey: CallerKey;
    vault: GenerationDeps["vault"];
    sharedKey: GenerationDeps["sharedKey"];
    creditAfterCall: () => Promise<KeyCredit | undefined>;
  },
): Promise<unknown> {
  const { keySource, provider } = callerKey;
  const { label } = providerInfo[provider];
  const recordFailedUse = async (verdict: "rejected_by_provider" | "quota_exhausted") => {
    if (callerKey.keySource !== "user") return;
    // Out of credit: what the provider now reports of it is worth showing. A refused key has none to report.
    const credit = verdict === "quota_exhausted" ? await creditAfterCall() : undefined;
    await bestEffort(uid, provider, "recordFailedUse", () => vault.recordFailedUse(uid, provider, callerKey.keyId, verdict, credit));
  };
  if (error instanceof MalformedAnswerError) {
    logs.aiGeneration(uid, flow, keySource, provider, "malformed");
    return aiUnavailable(`${label}'s answer could not be used. Try again in a moment.`);
  }
  if (!(error instanceof UpstreamCallError)) return error;

  const failure = error.failure;
  logs.aiGeneration(uid, flow, keySource, provider, failure.kind);
  switch (failure.kind) {
    case "key_invalid":
      if (keySource === "default") {
        logs.defaultKeyRejected("key_invalid");
        return new AppError("AI_UNAVAILABLE", "The app's shared Gemini key is not working right now. Add your own key in Settings, or try again later.", {
          action: "settings",
        });
      }
      await recordFailedUse("rejected_by_provider");
      return keyInvalid(provider, "using", isRetiredKeyShape(provider, callerKey.apiKey));
    case "key_not_permitted":
      // The key is genuine; what it may do is its owner's choice, so its state stays as it is.
      return keySource === "default" ? aiUnavailable() : keyNotPermitted(provider, "using");
    case "quota":
      if (keySource === "default") {
        logs.defaultKeyRejected("quota");
        // Sustained 429s open the shared key's breaker, so that nobody's call keeps asking Google meanwhile.
        await sharedKey.recordQuotaFailure(failure.retryAfterSeconds);
        return defaultKeyOutOfQuota(failure.retryAfterSeconds);
      }
      await recordFailedUse("quota_exhausted");
      return quotaExceeded(provider, failure.retryAfterSeconds);
    case "rate_limited":
      if (keySource === "default") {
        logs.defaultKeyRejected("quota");
        await sharedKey.recordQuotaFailure(failure.retryAfterSeconds);
        return defaultKeyOutOfQuota(failure.retryAfterSeconds);
      }
      // A per-minute limit passes by itself: the key's state stays as it is.
      return providerRateLimited(provider, failure.retryAfterSeconds);
    case "model_unavailable":
      // The operator's configuration or the provider's catalogue: the key's state stays as it is. The
      // operator hears the last model the chain tried; the user, the one their call was for.
      logs.modelUnavailable(provider, model, "generation");
      return modelUnavailable(provider, firstModel, "using");
    case "blocked":
      return blockedContent(provider);
    case "no_answer":
      return aiUnavailable(`${label} did not answer in time. It was not asked again, so nothing is charged twice; try again in a moment.`);
    case "cancelled":
      // The client is gone and will not read this; it only ends the handler without an "unexpected error".
      return aiUnavailable("The request was cancelled.");
    case "model_busy":
      return aiUnavailable(`${label} is busy right now. Nothing was charged; try again in a moment.`);
    case "transient":
    case "unexpected":
      return aiUnavailable(`${label} is temporarily unavailable. Nothing is lost; try again in a moment.`);
  }
}

/** Status bookkeeping must not turn a generation the user already paid for into a failure. */
async function bestEffort(uid: string, provider: Provider, operation: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logs.keyBookkeepingFailed(uid, provider, operation, error);
  }
}
