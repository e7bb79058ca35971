import type { GenerateQuestionsRequest, GenerateQuestionsResult } from "../../lib/callables";

/**
 * A practice in progress, kept in this tab's sessionStorage until its answers are sent, so that a reload
 * loses nothing: the questions, the setup and the answers typed so far (never a key, nor anything else
 * of the account). sessionStorage rather than localStorage: it survives reloads but not the tab, so
 * answers are not left behind on a shared computer. Keyed by user, so another account never sees them.
 */

export interface InProgress {
  interview: GenerateQuestionsResult & { setup: GenerateQuestionsRequest };
  answers: Record<string, string>;
}

const storageKey = (uid: string) => `interview-ai:practice-in-progress:${uid}`;

export function loadInProgress(uid: string): InProgress | undefined {
  try {
    const stored = sessionStorage.getItem(storageKey(uid));
    const parsed = stored ? (JSON.parse(stored) as InProgress) : undefined;
    return parsed && Array.isArray(parsed.interview?.questions) && typeof parsed.answers === "object" ? parsed : undefined;
  } catch {
    return undefined; // storage unavailable or unreadable: start afresh
  }
}

export function saveInProgress(uid: string, state: InProgress | undefined): void {
  try {
    if (state) sessionStorage.setItem(storageKey(uid), JSON.stringify(state));
    else sessionStorage.removeItem(storageKey(uid));
  } catch {
    // Full or disabled storage: the practice still works, it only would not survive a reload.
  }
}

/** History's "Practise these questions again" hands a practice to the Practice page, which is always mounted. */
const listeners = new Set<(state: InProgress) => void>();

export function onPractiseAgain(listener: (state: InProgress) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function practiseAgain(uid: string, state: InProgress): void {
  saveInProgress(uid, state);
  listeners.forEach((listener) => listener(state));
}
