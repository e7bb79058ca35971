import { httpsCallable } from "firebase/functions";
import { loadFunctions } from "./firebase";

/** The backend's callables, typed. This is the only file that names them. */

export type KeyState = "active" | "unverified" | "invalid" | "quota_exhausted";

/** What the server tells about a stored key; the key itself can never be read back. */
export interface KeyStatus {
  provider: string;
  hasKey: boolean;
  /** The key's prefix and last four characters, e.g. "AIza…abcd". */
  hint?: string;
  state?: KeyState;
  createdAt?: string;
  updatedAt?: string;
  verifiedAt?: string;
  lastUsedAt?: string;
  usageCount?: number;
}

export type InterviewType = "behavioral" | "technical" | "mixed";
export type Seniority = "junior" | "mid" | "senior";
/** Whose Gemini key paid for a generation: the user's own or the project's default. */
export type KeySource = "user" | "default";

export interface GenerateQuestionsInput {
  jobTitle: string;
  jobDescription?: string;
  interviewType: InterviewType;
  seniority?: Seniority;
  count?: number;
}

export interface Question {
  id: string;
  text: string;
  category: string;
  rationale?: string;
}

export interface GeneratedQuestions {
  questions: Question[];
  keySource: KeySource;
}

export interface GenerateFeedbackInput {
  jobTitle: string;
  items: { question: string; answer: string }[];
}

export interface AnswerFeedback {
  question: string;
  score: number;
  strengths: string[];
  improvements: string[];
}

export interface Feedback {
  overallScore: number;
  summary: string;
  items: AnswerFeedback[];
  keySource: KeySource;
}

/** A progress note the AI callables stream while they work. */
export interface Progress {
  step: string;
  message: string;
}

async function call<Request, Response>(name: string, data: Request): Promise<Response> {
  const callable = httpsCallable<Request, Response>(await loadFunctions(), name);
  return (await callable(data)).data;
}

/**
 * Calls a streaming callable, handing each progress chunk to `onProgress`, and resolves with the
 * final result. Errors reject, including those that follow an abort of `signal`.
 */
async function callStreaming<Request, Response>(
  name: string,
  data: Request,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<Response> {
  const callable = httpsCallable<Request, Response, Progress>(await loadFunctions(), name);
  const { stream, data: result } = await callable.stream(data, { signal });
  // The SDK rejects `result` as well as the stream on failure; observing it here keeps that
  // second rejection from surfacing as an unhandled one.
  const outcome = result.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  for await (const progress of stream) onProgress(progress);
  // A stream that closes without a result or an error (a dropped connection) leaves `result`
  // pending forever; by the time the stream has ended, a result that came is already settled.
  const ended = await Promise.race([outcome, new Promise<undefined>((resolve) => setTimeout(resolve, 0))]);
  if (!ended) throw new ConnectionLostError();
  if (!ended.ok) throw ended.error;
  return ended.value;
}

/** The server's answer stream ended before it sent a result. */
export class ConnectionLostError extends Error {
  constructor() {
    super("The connection closed before the server answered.");
    this.name = "ConnectionLostError";
  }
}

/** Stores (replacing any previous) and, first, verifies the signed-in user's Gemini key. */
export async function setApiKey(apiKey: string): Promise<KeyStatus> {
  return (await call<{ apiKey: string; verify: boolean }, { status: KeyStatus }>("setApiKey", { apiKey, verify: true }))
    .status;
}

/** Deletes the signed-in user's key; `false` when there was none. */
export async function removeApiKey(): Promise<boolean> {
  return (await call<Record<string, never>, { removed: boolean }>("removeApiKey", {})).removed;
}

export async function apiKeyStatus(): Promise<KeyStatus> {
  return (await call<Record<string, never>, { status: KeyStatus }>("apiKeyStatus", {})).status;
}

export function generateQuestions(
  input: GenerateQuestionsInput,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<GeneratedQuestions> {
  return callStreaming("generateQuestions", input, onProgress, signal);
}

export function generateFeedback(
  input: GenerateFeedbackInput,
  onProgress: (progress: Progress) => void,
  signal: AbortSignal,
): Promise<Feedback> {
  return callStreaming("generateFeedback", input, onProgress, signal);
}
